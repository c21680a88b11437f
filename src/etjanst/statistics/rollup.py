"""Which rows a period is read from: the month rows (MonthlyCount,
MonthlyDuration) for every calendar month wholly inside it, the day rows
(DailyCount, DailyDuration) only for the days at its ends that do not fill
a month. The sums are the same as over the day rows alone, to the day.

Why a monthly roll-up kept by recording, and not a cache or a nightly job:
the whole municipality's year was ~1 million day rows at ~100 million
events (p95 1.7 s, docs/benchmarks.md). A month row is the sum of ~30 day
rows, so a year is ~12 rows per e-service and figure plus at most two
partial months of day rows. Recording adds to the month row in the same
transaction as the day row (recording.count), so the roll-up is right at
every commit, today's month included: no job to schedule, nothing stale,
no "closed month" to decide. A cache of the built report would still take
the 1.7 s on the first view of every period and version, and would show
figures older than the page. `manage.py rebuild_statistics_months`
computes the month rows again from the day rows (actions.rebuild_months).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Expression, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek


@dataclass(frozen=True)
class Span:
    """`months`: the first days of the first and the last whole month inside
    the period (None: none); `days`: the day ranges (both ends included) to
    read from day rows."""

    months: tuple[datetime.date, datetime.date] | None
    days: tuple[tuple[datetime.date, datetime.date], ...]


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def span(start: datetime.date, end: datetime.date, *, rollup: bool = True) -> Span:
    """Split the days from `start` to `end` into whole months and the rest.
    With rollup=False every day is read from the day rows (the reference
    the tests compare with)."""
    first = start if start.day == 1 else _next_month(start)  # first whole month
    after = _next_month(end)
    # The day after the last whole month: `after` when `end` is a month's last day.
    stop = after if after - datetime.timedelta(days=1) == end else end.replace(day=1)
    if not rollup or first >= stop:
        return Span(months=None, days=((start, end),))
    days = []
    if start < first:
        days.append((start, first - datetime.timedelta(days=1)))
    if stop <= end:
        days.append((stop, end))
    last = (stop - datetime.timedelta(days=1)).replace(day=1)
    return Span(months=(first, last), days=tuple(days))


def day_bucket(per: str) -> Expression:
    """A day row's bucket of the period: the day, its week's Monday or its
    month's first day."""
    if per == "vecka":
        return TruncWeek("day")
    if per == "manad":
        return TruncMonth("day")
    return F("day")


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def sums(
    days: QuerySet,
    months: QuerySet,
    where: Span,
    fields: list[str],
    *,
    per: str | None = None,
) -> dict[tuple, int]:
    """SUM(count) grouped by `fields`, over the day rows in `where.days` and
    the month rows in `where.months`, added together. With `per`, the first
    value of each key is the row's bucket ("dag", "vecka", "manad"); month
    rows can only be bucketed per month (span() gives none otherwise: see
    report.build)."""
    out: dict[tuple, int] = defaultdict(int)
    parts = []
    if where.days:
        within = Q()
        for first, last in where.days:
            within |= Q(day__range=(first, last))
        parts.append((days.filter(within), day_bucket(per) if per else None))
    if where.months:
        if per not in (None, "manad"):
            raise ValueError(f"Month rows cannot be bucketed per {per}.")
        parts.append((months.filter(month__range=where.months), F("month") if per else None))
    for queryset, bucket in parts:
        if bucket is not None:
            queryset = queryset.annotate(bucket=bucket)
        names = ["bucket", *fields] if bucket is not None else fields
        for *key, n in queryset.values_list(*names).annotate(n=Sum("count")).order_by():
            if bucket is not None:
                key[0] = _as_date(key[0])
            out[tuple(key)] += n
    return out
