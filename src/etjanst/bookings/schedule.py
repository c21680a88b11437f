"""Slot times from a resource's opening schedule. Slots are built from the
local wall-clock rules (Europe/Stockholm) with zoneinfo and stored in UTC,
so a 09:00 appointment stays at 09:00 across the changes to and from summer
time. Pure functions plus `free_slots`, which reads a bounded number of
queries whatever the period's length."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.utils import timezone

from .constants import BookingStatus
from .models import Booking, OpeningRule, Resource, ScheduleException, Slot

UTC = datetime.UTC


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class SlotTime:
    starts_at: datetime.datetime  # UTC
    ends_at: datetime.datetime  # UTC
    capacity: int
    booked: int = 0
    blocked: bool = False
    # Until when a booking of this time can be cancelled or rebooked on the web.
    change_deadline: datetime.datetime | None = None

    @property
    def locked_once_booked(self) -> bool:
        """Booked now, the time could no longer be cancelled or rebooked on
        the web: the picker says so next to it."""
        return self.change_deadline is not None and timezone.now() > self.change_deadline

    @property
    def free(self) -> int:
        return 0 if self.blocked else max(self.capacity - self.booked, 0)

    @property
    def local_start(self) -> datetime.datetime:
        return self.starts_at.astimezone(local_zone())

    @property
    def local_end(self) -> datetime.datetime:
        return self.ends_at.astimezone(local_zone())

    @property
    def value(self) -> str:
        """How the time is sent in a form and kept in answers."""
        return slot_value(self.starts_at)


def slot_value(starts_at: datetime.datetime) -> str:
    return starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_slot_value(value: str) -> datetime.datetime | None:
    try:
        parsed = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%MZ")
    except (TypeError, ValueError):
        return None
    return parsed.replace(tzinfo=UTC)


def _exists(local: datetime.datetime, zone: ZoneInfo) -> bool:
    """False for a wall-clock time skipped when summer time starts."""
    return local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None)


def day_hours(
    day: datetime.date,
    rules: Iterable[OpeningRule],
    exceptions: dict[datetime.date, ScheduleException],
) -> list[tuple[datetime.time, datetime.time]]:
    """The opening hours of one day: an exception replaces the weekly rules."""
    exception = exceptions.get(day)
    if exception is not None:
        return [] if exception.is_closed else [(exception.opens, exception.closes)]
    return [(r.opens, r.closes) for r in rules if r.weekday == day.weekday()]


def slot_times(
    resource: Resource,
    first_day: datetime.date,
    last_day: datetime.date,
    rules: list[OpeningRule],
    exceptions: list[ScheduleException],
) -> list[tuple[datetime.datetime, datetime.datetime]]:
    """Every slot (start, end) in UTC between two local dates, inclusive."""
    zone = local_zone()
    by_date = {e.date: e for e in exceptions}
    length = datetime.timedelta(minutes=resource.slot_minutes)
    times = []
    day = first_day
    while day <= last_day:
        for opens, closes in day_hours(day, rules, by_date):
            # Step in wall-clock time, then attach the zone: each slot gets
            # the UTC offset of its own local time.
            start = datetime.datetime.combine(day, opens)
            closing = datetime.datetime.combine(day, closes)
            while start + length <= closing:
                local = start.replace(tzinfo=zone)
                # A wall-clock time skipped in spring has no slot; a slot
                # lasts its length in real time.
                if _exists(local, zone):
                    begins = local.astimezone(UTC)
                    times.append((begins, begins + length))
                start += length
        day += datetime.timedelta(days=1)
    return sorted(set(times))


def bookable_window(
    resource: Resource, now: datetime.datetime
) -> tuple[datetime.datetime, datetime.datetime]:
    """The earliest and latest start one may book now."""
    return (
        now + datetime.timedelta(hours=resource.min_notice_hours),
        now + datetime.timedelta(days=resource.book_ahead_days),
    )


def is_slot_start(resource: Resource, starts_at: datetime.datetime) -> tuple | None:
    """(start, end) if `starts_at` is a slot of the schedule, else None."""
    day = starts_at.astimezone(local_zone()).date()
    rules = list(resource.rules.all())
    exceptions = list(resource.exceptions.filter(date=day))
    for start, end in slot_times(resource, day, day, rules, exceptions):
        if start == starts_at:
            return start, end
    return None


def free_slots(
    resource: Resource,
    first_day: datetime.date,
    last_day: datetime.date,
    *,
    now: datetime.datetime | None = None,
    bookable_only: bool = True,
) -> list[SlotTime]:
    """The schedule's slots between two local dates with how many places are
    taken. Four queries, whatever the number of days. Holds that have run out
    but not yet been released count as free."""
    now = now or timezone.now()
    rules = list(resource.rules.all())
    exceptions = list(resource.exceptions.filter(date__gte=first_day, date__lte=last_day))
    times = slot_times(resource, first_day, last_day, rules, exceptions)
    if bookable_only:
        earliest, latest = bookable_window(resource, now)
        times = [(s, e) for s, e in times if earliest <= s <= latest]
    if not times:
        return []
    rows = {
        slot.starts_at: slot
        for slot in Slot.objects.filter(
            resource=resource, starts_at__gte=times[0][0], starts_at__lte=times[-1][0]
        )
    }
    stale = dict(
        Booking.objects.filter(
            slot__resource=resource,
            slot__starts_at__gte=times[0][0],
            slot__starts_at__lte=times[-1][0],
            status=BookingStatus.HELD,
            hold_expires_at__lt=now,
        )
        .values_list("slot__starts_at")
        .annotate(n=Count("pk"))
    )
    result = []
    for start, end in times:
        row = rows.get(start)
        deadline = resource.change_deadline_for(start)
        if row is None:
            result.append(SlotTime(start, end, resource.capacity, change_deadline=deadline))
        else:
            booked = row.booked - stale.get(start, 0)
            result.append(SlotTime(start, end, row.capacity, booked, row.blocked, deadline))
    return result


def by_day(slots: list[SlotTime]) -> list[tuple[datetime.date, list[SlotTime]]]:
    days: dict[datetime.date, list[SlotTime]] = {}
    for slot in slots:
        days.setdefault(slot.local_start.date(), []).append(slot)
    return list(days.items())
