"""The month rows (the roll-up): recording keeps them the sum of their day
rows, the pages read them for the whole months of a period and give the same
figures, to the day, as from the day rows alone; the migration and
`manage.py rebuild_statistics_months` sum them from the day rows."""

import datetime
import io
import random
from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.test.utils import CaptureQueriesContext

from etjanst.statistics import opendata, recording, report
from etjanst.statistics.actions import rebuild_months, set_options
from etjanst.statistics.constants import DAY, Measure, Metric
from etjanst.statistics.figures import Period
from etjanst.statistics.models import DailyCount, DailyDuration, MonthlyCount, MonthlyDuration
from etjanst.statistics.rollup import Span, span
from tests.eservices.factories import EServiceFactory
from tests.organisation.factories import CommitteeFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST, LAST = date(2025, 11, 20), date(2026, 3, 10)


def at(day: date, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM)


def days(first: date, last: date):
    while first <= last:
        yield first
        first += datetime.timedelta(days=1)


# -- which rows a period is read from --------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Mid-month to mid-month across a year end: two partial ends.
        (
            date(2025, 12, 7),
            date(2026, 12, 7),
            Span(
                months=(date(2026, 1, 1), date(2026, 11, 1)),
                days=((date(2025, 12, 7), date(2025, 12, 31)), (date(2026, 12, 1), date(2026, 12, 7))),
            ),
        ),
        # Whole months only.
        (date(2026, 1, 1), date(2026, 2, 28), Span(months=(date(2026, 1, 1), date(2026, 2, 1)), days=())),
        # Inside one month, or a month's first day to mid-month: days only.
        (date(2026, 1, 5), date(2026, 1, 20), Span(months=None, days=((date(2026, 1, 5), date(2026, 1, 20)),))),
        (date(2026, 1, 1), date(2026, 1, 30), Span(months=None, days=((date(2026, 1, 1), date(2026, 1, 30)),))),
        # Across a month end without a whole month between.
        (date(2026, 1, 15), date(2026, 2, 15), Span(months=None, days=((date(2026, 1, 15), date(2026, 2, 15)),))),
        # A leap February, whole, and a December ending the period.
        (date(2028, 2, 1), date(2028, 2, 29), Span(months=(date(2028, 2, 1), date(2028, 2, 1)), days=())),
        (
            date(2026, 11, 30),
            date(2026, 12, 31),
            Span(months=(date(2026, 12, 1), date(2026, 12, 1)), days=((date(2026, 11, 30), date(2026, 11, 30)),)),
        ),
    ],
)  # fmt: skip
def test_a_period_is_split_into_whole_months_and_the_days_at_its_ends(start, end, expected):
    assert span(start, end) == expected
    covered = {d for first, last in expected.days for d in days(first, last)}
    if expected.months:
        first_month = expected.months[0]
        last_day = (expected.months[1] + datetime.timedelta(days=32)).replace(
            day=1
        ) - datetime.timedelta(days=1)
        whole = set(days(first_month, last_day))
        assert not whole & covered
        covered |= whole
    assert covered == set(days(start, end))  # every day once, none outside
    assert span(start, end, rollup=False) == Span(months=None, days=((start, end),))


# -- recording keeps the month rows ----------------------------------------------


def month_sums_from_days() -> tuple[dict, dict]:
    counts = {
        (e, v, m.isoformat(), metric, key, detail): n
        for e, v, m, metric, key, detail, n in DailyCount.objects.annotate(month=TruncMonth("day"))
        .values_list("eservice", "version", "month", "metric", "key", "detail")
        .annotate(n=Sum("count"))
        .order_by()
    }
    times = {
        (e, v, m.isoformat(), measure, bucket): n
        for e, v, m, measure, bucket, n in DailyDuration.objects.annotate(month=TruncMonth("day"))
        .values_list("eservice", "version", "month", "measure", "bucket")
        .annotate(n=Sum("count"))
        .order_by()
    }
    return counts, times


def month_rows() -> tuple[dict, dict]:
    counts = {
        (e, v, m.isoformat(), metric, key, detail): n
        for e, v, m, metric, key, detail, n in MonthlyCount.objects.values_list(
            "eservice", "version", "month", "metric", "key", "detail", "count"
        )
    }
    times = {
        (e, v, m.isoformat(), measure, bucket): n
        for e, v, m, measure, bucket, n in MonthlyDuration.objects.values_list(
            "eservice", "version", "month", "measure", "bucket", "count"
        )
    }
    return counts, times


def record_history(eservices, *, seed: int = 22, last: date = LAST) -> None:
    """Counters on every day from FIRST to LAST, for two versions (version 2
    from 2026-01-15), with the varying numbers, small numbers and all the
    figures a page shows: starts and sends by way of login, steps, errors,
    drafts, statuses (one renamed), replies, decisions, ratings and times."""
    rng = random.Random(seed)
    for index, eservice in enumerate(eservices):
        for day in days(FIRST, last):
            version = 2 if day >= date(2026, 1, 15) and index == 0 else 1
            where = {
                "eservice_id": eservice.pk,
                "version": version,
                "at": at(day, 8 + day.day % 12),
            }
            for key in ("bankid", "none", "anonymous"):
                recording.count(**where, metric=Metric.STARTED, key=key, n=rng.randint(0, 9))
                recording.count(**where, metric=Metric.SENT, key=key, n=rng.randint(0, 6))
            recording.count(**where, metric=Metric.STEP_DONE, key="om", n=rng.randint(1, 12))
            recording.count(
                **where,
                metric=Metric.INVALID,
                key="rubrik",
                detail="Fyll i rubriken.",
                n=rng.randint(0, 3),
            )
            recording.count(**where, metric=Metric.DRAFT_SAVED, n=rng.randint(0, 2))
            name = "Handläggs" if day < date(2026, 2, 1) else "Under handläggning"
            recording.count(
                **where, metric=Metric.STATUS, key="handlaggs", detail=name, n=rng.randint(0, 4)
            )
            recording.count(**where, metric=Metric.DECIDED, n=rng.randint(0, 3))
            recording.count(**where, metric=Metric.RATING, key=str(rng.randint(1, 5)))
            for _ in range(rng.randint(0, 4)):
                recording.duration(**where, measure=Measure.FILL_IN, seconds=rng.uniform(20, 3000))
                recording.duration(
                    **where, measure=Measure.DECISION, seconds=rng.uniform(0.5, 40) * DAY
                )  # fmt: skip


@pytest.fixture
def history(db):
    committee = CommitteeFactory()
    eservices = [
        EServiceFactory(committee=committee, name="Ansök om bidrag"),
        EServiceFactory(committee=committee, name="Bygglov"),
    ]
    record_history(eservices)
    return eservices


@pytest.fixture
def short_history(db):
    """Two e-services' counters from 2025-11-20 to 2026-01-20."""
    committee = CommitteeFactory()
    eservices = [EServiceFactory(committee=committee), EServiceFactory(committee=committee)]
    record_history(eservices, last=date(2026, 1, 20))
    return eservices


def test_recording_keeps_each_month_row_the_sum_of_its_day_rows(short_history):
    assert MonthlyCount.objects.count() > 0 and MonthlyDuration.objects.count() > 0
    assert month_rows() == month_sums_from_days()
    # Three calendar months (2025-11 to 2026-01), each day's rows in one month row.
    assert set(MonthlyCount.objects.values_list("month", flat=True)) == {
        date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)
    }  # fmt: skip


def test_a_failing_month_row_takes_the_day_row_with_it(short_history, monkeypatch):
    """One transaction: a day row never moves without its month row."""
    before = month_rows(), month_sums_from_days()

    def broken(model, values, conflict):
        if model is MonthlyCount:
            raise RuntimeError("the month row is gone")
        return upsert(model, values, conflict)

    upsert = recording._upsert
    monkeypatch.setattr(recording, "_upsert", broken)
    run = recording._logged(
        lambda: recording.count(eservice_id=short_history[0].pk, version=1, metric=Metric.SENT, n=5)
    )
    run()  # logged, not raised
    assert (month_rows(), month_sums_from_days()) == before


# -- the same figures from month rows as from day rows ---------------------------


def rendered(built: report.Report) -> dict:
    out = {}
    for figure in built.figures:
        if figure.name == "arenden_nu":  # live, not history
            continue
        # The chart's geometry and texts too (a dataclass: compared field by field).
        out[figure.name] = (figure.headers, figure.rows, figure.chart)
    return out


PERIODS = [
    # mid-month to mid-month across the year end, per month, week and day
    (date(2025, 11, 23), date(2026, 3, 4), "manad"),
    (date(2025, 11, 23), date(2026, 3, 4), "vecka"),
    (date(2025, 11, 23), date(2026, 3, 4), "dag"),
    # whole months only, and a December + January
    (date(2025, 12, 1), date(2026, 2, 28), "manad"),
    (date(2025, 12, 1), date(2026, 1, 31), "vecka"),
    # a week straddling January/February at both ends of a whole January
    (date(2025, 12, 29), date(2026, 2, 1), "vecka"),
    # the first of a month to its last but one: days only
    (date(2026, 1, 1), date(2026, 1, 30), "manad"),
    # from before the first counter to after the last
    (date(2025, 10, 1), date(2026, 4, 30), "manad"),
    # one day
    (date(2026, 2, 1), date(2026, 2, 1), "dag"),
]


def test_the_figures_are_the_same_from_month_rows_as_from_day_rows(history):
    """Every period above, for all versions and each version, for one
    e-service (its page) and for both (a committee's page): every figure's
    rows and chart alike, whichever rows the sums came from."""
    for start, end, per in PERIODS:
        period = Period(start=start, end=end, per=per)
        for version in (None, 1, 2):
            for eservices, single in (([history[0]], True), (history, False)):
                where = f"{start}–{end} per {per}, version {version}, single={single}"
                with CaptureQueriesContext(connection) as queries:
                    rolled = report.build(
                        eservices=eservices, period=period, version=version, single=single
                    )
                from_days = report.build(
                    eservices=eservices, period=period, version=version, single=single, rollup=False
                )
                assert rendered(rolled) == rendered(from_days), where
                read_months = any(
                    "statistics_monthlycount" in q["sql"] for q in queries.captured_queries
                )
                assert read_months == (span(start, end).months is not None), where
                if version != 2 and (end - start).days > 7:
                    overview = dict(rolled.figure("oversikt").rows)
                    assert overview["Påbörjade"] not in ("0", "färre än 5"), where


def test_a_week_across_a_month_end_counts_the_days_of_both_months(db):
    eservice = EServiceFactory()
    # Monday 2026-01-26 to Sunday 2026-02-01: 5 days in January, 2 in February.
    for day in days(date(2026, 1, 1), date(2026, 2, 28)):
        recording.count(eservice_id=eservice.pk, version=1, metric=Metric.SENT, n=10, at=at(day))
    period = Period(start=date(2026, 1, 1), end=date(2026, 2, 28), per="vecka")
    built = report.build(eservices=[eservice], period=period, single=True)
    weeks = {row[0]: row[2] for row in built.figure("tidsserie").rows}
    assert weeks["v. 5 2026"] == "70"  # 2026-01-26 … 2026-02-01
    assert weeks["v. 1 2026"] == "40"  # Thursday 1 to Sunday 4 January
    assert dict(built.figure("oversikt").rows)["Skickade"] == "590"  # 59 days × 10


def test_small_numbers_are_hidden_alike_from_month_rows(db):
    """A month of 4 in month rows is still "färre än 5", and a period whose
    ends add to a whole month's small count does not reveal it."""
    eservice = EServiceFactory()
    for day in (date(2026, 1, 10), date(2026, 2, 3), date(2026, 2, 4), date(2026, 3, 20)):
        recording.count(eservice_id=eservice.pk, version=1, metric=Metric.SENT, n=1, at=at(day))
    period = Period(start=date(2026, 1, 5), end=date(2026, 3, 25), per="manad")
    built = report.build(eservices=[eservice], period=period, single=True)
    months = {row[0]: row[2] for row in built.figure("tidsserie").rows}
    assert months == {"2026-01": "färre än 5", "2026-02": "färre än 5", "2026-03": "färre än 5"}
    assert dict(built.figure("oversikt").rows)["Skickade"] == "färre än 5"


# -- rebuilding from the day rows --------------------------------------------------


def test_the_command_rebuilds_the_month_rows_from_the_day_rows(short_history):
    expected = month_rows()
    MonthlyCount.objects.all().delete()
    MonthlyDuration.objects.filter(eservice=short_history[1]).delete()
    # Day rows written past recording (a restore, an import) have no month rows yet.
    DailyCount.objects.create(
        eservice=short_history[1],
        version=1,
        day=date(2026, 6, 2),
        metric=Metric.SENT,
        key="none",
        count=3,
    )
    out = io.StringIO()
    call_command("rebuild_statistics_months", stdout=out)
    assert "ombyggda" in out.getvalue()
    counts, times = month_rows()
    assert counts.pop((short_history[1].pk, 1, "2026-06-01", Metric.SENT, "none", "")) == 3
    assert (counts, times) == expected
    # Again: the same rows, nothing added twice.
    call_command("rebuild_statistics_months", stdout=io.StringIO())
    assert month_rows() == month_sums_from_days()


def test_the_command_can_rebuild_one_eservice(short_history):
    MonthlyCount.objects.update(count=0)
    call_command(
        "rebuild_statistics_months", "--eservice", short_history[0].slug, stdout=io.StringIO()
    )
    assert not MonthlyCount.objects.filter(eservice=short_history[0], count=0).exists()
    assert not MonthlyCount.objects.filter(eservice=short_history[1]).exclude(count=0).exists()


def test_the_command_refuses_an_unknown_eservice(short_history):
    before = month_rows()
    with pytest.raises(CommandError, match="Det finns ingen e-tjänst med koden finns-inte"):
        call_command("rebuild_statistics_months", "--eservice", "finns-inte")
    assert month_rows() == before


def test_rebuild_months_counts_the_rows_it_wrote(short_history):
    written = rebuild_months(eservice_ids=[short_history[0].pk])
    assert written == {
        "monthlycount": MonthlyCount.objects.filter(eservice=short_history[0]).count(),
        "monthlyduration": MonthlyDuration.objects.filter(eservice=short_history[0]).count(),
    }


# -- open data reads the month rows ------------------------------------------------


def test_open_data_gives_the_same_months_as_the_day_rows(short_history, time_machine):
    time_machine.move_to(at(date(2026, 1, 20), 18))
    set_options(eservice=short_history[0], survey=False, open_data=True)
    rows = [r for r in opendata.published_rows() if r["kortnamn"] == short_history[0].slug]
    sent = defaultdict(int)
    for day, n in DailyCount.objects.filter(
        eservice=short_history[0], metric=Metric.SENT
    ).values_list("day", "count"):
        sent[f"{day:%Y-%m}"] += n
    assert {r["manad"]: r["skickade"] for r in rows if r["skickade"]} == dict(sent)


# -- the migration fills the roll-up ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_month_rows_from_the_day_rows():
    committee = CommitteeFactory()
    eservices = [EServiceFactory(committee=committee), EServiceFactory(committee=committee)]
    record_history(eservices, seed=5, last=date(2026, 1, 5))
    expected = month_rows()
    assert all(expected)
    executor = MigrationExecutor(connection)
    executor.migrate([("statistics", "0001_initial")])  # no month rows, no table
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("statistics"))
    assert month_rows() == expected == month_sums_from_days()
