import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etjanst.bookings.models import OpeningRule, ScheduleException
from etjanst.bookings.schedule import free_slots, slot_times
from tests.bookings.factories import ResourceFactory, closed_on

UTC = datetime.UTC
pytestmark = pytest.mark.django_db


def _times(resource, first, last):
    return slot_times(
        resource, first, last, list(resource.rules.all()), list(resource.exceptions.all())
    )


def test_weekly_rules_make_slots_on_weekdays_only():
    resource = ResourceFactory()
    # Monday 2026-05-04 to Sunday 2026-05-10: five days of six 30-minute slots.
    times = _times(resource, datetime.date(2026, 5, 4), datetime.date(2026, 5, 10))
    assert len(times) == 5 * 6
    assert times[0] == (
        datetime.datetime(2026, 5, 4, 7, 0, tzinfo=UTC),  # 09:00 in summer time
        datetime.datetime(2026, 5, 4, 7, 30, tzinfo=UTC),
    )


def test_a_closed_day_and_a_day_with_other_hours_replace_the_weekly_rules():
    resource = ResourceFactory()
    closed_on(resource, datetime.date(2026, 5, 14), "Kristi himmelsfärds dag")
    ScheduleException.objects.create(
        resource=resource,
        date=datetime.date(2026, 5, 13),
        opens=datetime.time(13),
        closes=datetime.time(14),
        note="Kortare dag",
    )
    times = _times(resource, datetime.date(2026, 5, 13), datetime.date(2026, 5, 14))
    assert times == [
        (
            datetime.datetime(2026, 5, 13, 11, 0, tzinfo=UTC),
            datetime.datetime(2026, 5, 13, 11, 30, tzinfo=UTC),
        ),
        (
            datetime.datetime(2026, 5, 13, 11, 30, tzinfo=UTC),
            datetime.datetime(2026, 5, 13, 12, 0, tzinfo=UTC),
        ),
    ]


def test_a_week_across_the_change_to_summer_time_keeps_local_wall_clock_times():
    resource = ResourceFactory()
    # Summer time starts on Sunday 2026-03-29 at 02:00.
    times = _times(resource, datetime.date(2026, 3, 27), datetime.date(2026, 3, 30))
    friday = [s for s, _e in times if s.date() == datetime.date(2026, 3, 27)]
    monday = [s for s, _e in times if s.date() == datetime.date(2026, 3, 30)]
    assert friday[0] == datetime.datetime(2026, 3, 27, 8, 0, tzinfo=UTC)  # 09:00 CET
    assert monday[0] == datetime.datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_the_hour_skipped_in_spring_has_no_slot_and_autumn_keeps_local_times():
    resource = ResourceFactory(slot_minutes=60, hours=(datetime.time(9), datetime.time(10)))
    OpeningRule.objects.create(
        resource=resource, weekday=6, opens=datetime.time(1), closes=datetime.time(4)
    )
    spring = _times(resource, datetime.date(2026, 3, 29), datetime.date(2026, 3, 29))
    # 01:00 CET and 03:00 CEST; 02:00 does not exist that night.
    assert [s for s, _e in spring] == [
        datetime.datetime(2026, 3, 29, 0, 0, tzinfo=UTC),
        datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    ]
    # Summer time ends on Sunday 2026-10-25: Monday's 09:00 is 08:00 UTC again.
    autumn = _times(resource, datetime.date(2026, 10, 23), datetime.date(2026, 10, 26))
    assert datetime.datetime(2026, 10, 23, 7, 0, tzinfo=UTC) in [s for s, _e in autumn]
    assert datetime.datetime(2026, 10, 26, 8, 0, tzinfo=UTC) in [s for s, _e in autumn]


def test_a_month_of_slots_is_read_with_a_bounded_number_of_queries(time_machine):
    time_machine.move_to(datetime.datetime(2026, 5, 1, 6, 0, tzinfo=UTC))
    resource = ResourceFactory()
    with CaptureQueriesContext(connection) as queries:
        slots = free_slots(resource, datetime.date(2026, 5, 1), datetime.date(2026, 5, 31))
    assert len(slots) > 100
    assert len(queries) <= 4
