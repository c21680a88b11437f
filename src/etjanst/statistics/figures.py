"""Small numbers, times and periods as the statistics show them. A count
under ETJANST_STATISTICS_MIN_COUNT (default 5), but above nought, is shown
as "färre än 5", on the page and in the CSV alike, so that a rare case
cannot point to a person; a share, median or average built on so few is
not shown at all."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .constants import BOUNDS, DAY, HOUR, LONGER, MINUTE

NOT_SHOWN = "–"


def min_count() -> int:
    return settings.ETJANST_STATISTICS_MIN_COUNT


def is_small(n: int) -> bool:
    return 0 < n < min_count()


def shown(n: int) -> str:
    """A count as shown: the number, or "färre än 5"."""
    if is_small(n):
        return _("färre än %(n)d") % {"n": min_count()}
    return str(n)


def share(part: int, whole: int) -> str:
    if not whole or is_small(part) or is_small(whole):
        return NOT_SHOWN
    return f"{number_format(round(100 * part / whole), 0)} %"


def quantile(histogram: dict[int, int], q: float) -> float | None:
    """The q-quantile of times counted in buckets (upper bounds), by linear
    interpolation inside the bucket it falls in; None when there are fewer
    than the smallest number shown."""
    total = sum(histogram.values())
    if total < min_count() or total == 0:
        return None
    target = q * total
    seen, lower = 0, 0
    for bound in [*BOUNDS, LONGER]:
        n = histogram.get(bound, 0)
        if n and seen + n >= target:
            if bound == LONGER:
                return lower
            return lower + (bound - lower) * (target - seen) / n
        seen += n
        lower = bound
    return lower


def duration(seconds: float | None) -> str:
    """ "4 min", "2 tim 10 min", "3,5 dagar"."""
    if seconds is None:
        return NOT_SHOWN
    if seconds < MINUTE:
        return _("under 1 min")
    if seconds < HOUR:
        return _("%(m)d min") % {"m": round(seconds / MINUTE)}
    if seconds < DAY:
        hours, minutes = divmod(round(seconds / MINUTE), 60)
        if not minutes:
            return _("%(h)d tim") % {"h": hours}
        return _("%(h)d tim %(m)d min") % {"h": hours, "m": minutes}
    days = seconds / DAY
    return _("%(d)s dagar") % {"d": number_format(round(days, 1), 1 if days < 10 else 0)}


def bucket_label(bound: int) -> str:
    if bound == LONGER:
        return _("mer än %(time)s") % {"time": duration(BOUNDS[-1])}
    return _("högst %(time)s") % {"time": duration(bound)}


PER = {
    "dag": gettext_lazy("dag"),
    "vecka": gettext_lazy("vecka"),
    "manad": gettext_lazy("månad"),
}


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end` (both included), in buckets `per`
    ("dag", "vecka" or "manad")."""

    start: datetime.date
    end: datetime.date
    per: str = "dag"

    def bucket_of(self, day: datetime.date) -> datetime.date:
        if self.per == "vecka":
            return day - datetime.timedelta(days=day.weekday())
        if self.per == "manad":
            return day.replace(day=1)
        return day

    def buckets(self) -> list[datetime.date]:
        out, day = [], self.bucket_of(self.start)
        while day <= self.end:
            out.append(day)
            if self.per == "vecka":
                day += datetime.timedelta(days=7)
            elif self.per == "manad":
                day = (day + datetime.timedelta(days=32)).replace(day=1)
            else:
                day += datetime.timedelta(days=1)
        return out

    def label(self, bucket: datetime.date) -> str:
        if self.per == "vecka":
            year, week, _day = bucket.isocalendar()
            return _("v. %(week)d %(year)d") % {"week": week, "year": year}
        if self.per == "manad":
            return f"{bucket:%Y-%m}"
        return bucket.isoformat()
