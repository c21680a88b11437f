"""Open data: for e-services whose administrators chose to publish, how many
cases were sent per month and the median time to a decision (avslut), for
the last twelve months. The same small-number rule as on the staff pages."""

import datetime
from collections import defaultdict

from django.db.models import Sum
from django.utils import timezone

from .constants import DAY, Measure, Metric
from .figures import is_small, min_count, quantile
from .models import EServiceOptions, MonthlyCount, MonthlyDuration

MONTHS = 12


def months(today: datetime.date | None = None) -> list[datetime.date]:
    """The first day of this month and of the eleven before it, oldest first."""
    month = (today or timezone.localdate()).replace(day=1)
    out = [month]
    for _ in range(MONTHS - 1):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        out.append(month)
    return out[::-1]


def published_rows(today: datetime.date | None = None) -> list[dict]:
    """One row per published e-service and month: sent (None when under the
    smallest number shown), and the median days to a decision (None when
    fewer decisions than that)."""
    span = months(today)
    start = span[0]
    options = EServiceOptions.objects.filter(open_data=True, eservice__is_active=True)
    eservices = {o.eservice_id: o.eservice for o in options.select_related("eservice__committee")}
    # Whole calendar months: read from the month rows (the roll-up kept with
    # the day rows, statistics.rollup), the current month's too — a month
    # row holds every day row of its month, so nothing after today is lost.
    sent = dict(
        (((row["eservice"], row["month"]), row["n"]))
        for row in MonthlyCount.objects.filter(
            eservice__in=eservices, metric=Metric.SENT, month__gte=start
        )
        .values("eservice", "month")
        .annotate(n=Sum("count"))
        .order_by()
    )
    histograms: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        MonthlyDuration.objects.filter(
            eservice__in=eservices, measure=Measure.DECISION, month__gte=start
        )
        .values("eservice", "month", "bucket")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        histograms[(row["eservice"], row["month"])][row["bucket"]] += row["n"]
    rows = []
    for eservice in sorted(eservices.values(), key=lambda e: e.name):
        for month in span:
            n = sent.get((eservice.pk, month), 0)
            median = quantile(histograms.get((eservice.pk, month), {}), 0.5)
            rows.append(
                {
                    "e_tjanst": eservice.name,
                    "kortnamn": eservice.slug,
                    "namnd": eservice.committee.name,
                    "manad": f"{month:%Y-%m}",
                    "skickade": None if is_small(n) else n,
                    "median_dagar_till_avslut": None if median is None else round(median / DAY, 1),
                }
            )
    return rows


def suppressed_below() -> int:
    return min_count()
