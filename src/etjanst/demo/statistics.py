"""Statistics for the demo municipality: four months of made-up counters for
every demo e-service, so that /handlaggning/statistik/ and /statistik/ are
not empty. The same numbers on every load (a fixed seed); only written when
there are none from before today yet."""

import datetime
import random
from collections import Counter

from django.db import transaction
from django.utils import timezone

from etjanst.eservices.models import EService
from etjanst.statistics.actions import answer_survey, rebuild_months, set_options
from etjanst.statistics.constants import DAY, MINUTE, Measure, Metric, bucket_for
from etjanst.statistics.models import DailyCount, DailyDuration

DAYS = 120
COMMENTS = [
    "Enkelt och snabbt.",
    "Svårt att veta vilka bilagor som behövdes.",
    "Bra att man kan spara och fortsätta senare.",
    "Tog lite tid att hitta rätt e-tjänst.",
    "Tydliga frågor.",
    "Jag hade velat kunna ladda upp fler bilder.",
]


@transaction.atomic
def record_demo_statistics(*, today: datetime.date | None = None) -> int:
    """Made-up counters for the DAYS days before today (today's are the demo
    cases' own); the number of e-services."""
    today = today or timezone.localdate()
    if DailyCount.objects.filter(day__lt=today).exists():
        return 0
    rng = random.Random(22)  # noqa: S311 (made-up demo numbers, not security)
    eservices = [e for e in EService.objects.order_by("slug") if e.current_version]
    counts, times = Counter(), Counter()
    for index, eservice in enumerate(eservices):
        version = eservice.current_version
        for back in range(1, DAYS + 1):
            day = today - datetime.timedelta(days=back)
            where = (eservice.pk, version.number, day)
            _fills(rng, where, version.definition, index, counts, times)
        if index < 2:
            set_options(eservice=eservice, survey=True, open_data=True)
            for n, text in enumerate(COMMENTS):
                answer_survey(
                    eservice=eservice, version=version.number, rating=str(3 + n % 3), comment=text
                )
    DailyCount.objects.bulk_create(
        DailyCount(eservice_id=e, version=v, day=d, metric=m, key=k, detail=detail, count=n)
        for (e, v, d, m, k, detail), n in counts.items()
        if n
    )
    DailyDuration.objects.bulk_create(
        DailyDuration(eservice_id=e, version=v, day=d, measure=m, bucket=b, count=n)
        for (e, v, d, m, b), n in times.items()
    )
    # Written past recording: the month rows are summed from the day rows.
    rebuild_months(eservice_ids=[e.pk for e in eservices])
    return len(eservices)


def _fills(rng, where, definition, index, counts, times) -> None:
    """One day of one e-service: fewer on weekends, some leave at each step."""
    started = rng.randint(6, 30 if where[2].weekday() < 5 else 10) + index
    remaining = started
    for step in definition.steps:
        remaining = max(remaining - rng.randint(0, max(1, remaining // 5)), 0)
        counts[(*where, Metric.STEP_DONE, step.id, "")] += remaining
    sent = remaining
    ways = Counter(
        rng.choice(["bankid", "bankid", "bankid", "none", "anonymous"]) for _ in range(started)
    )
    for way, n in ways.items():
        counts[(*where, Metric.STARTED, way, "")] += n
        counts[(*where, Metric.SENT, way, "")] += round(sent * n / started)
    for question in [q for q in definition.questions() if q.required][:3]:
        message = f"Fyll i ”{question.label.rstrip(' ?:*')}”."
        counts[(*where, Metric.INVALID, question.id, message)] += rng.randint(0, 4)
    counts[(*where, Metric.DRAFT_SAVED, "", "")] += rng.randint(0, 4)
    counts[(*where, Metric.DRAFT_RESUMED, "", "")] += rng.randint(0, 3)
    counts[(*where, Metric.DISCARDED, "", "")] += rng.randint(0, 3)
    counts[(*where, Metric.FIRST_REPLY, "", "")] += sent // 2
    counts[(*where, Metric.DECIDED, "", "")] += sent // 2
    for _ in range(sent):
        times[(*where, Measure.FILL_IN, bucket_for(rng.lognormvariate(6.2, 0.6)))] += 1
    for _ in range(sent // 2):
        times[(*where, Measure.FIRST_REPLY, bucket_for(rng.uniform(0.2, 4) * DAY))] += 1
        seconds = rng.uniform(2, 30) * DAY + 5 * MINUTE
        times[(*where, Measure.DECISION, bucket_for(seconds))] += 1
    for rating in "12345":
        counts[(*where, Metric.RATING, rating, "")] += rng.choice(
            [0, 0, 1, 1, 2] if rating > "2" else [0, 0, 0, 1]
        )
