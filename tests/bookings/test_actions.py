import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F

from etjanst.bookings import actions
from etjanst.bookings.constants import BookingStatus
from etjanst.bookings.models import Booking, Slot
from etjanst.people.actions import resident_for
from tests.bookings.factories import ResourceFactory
from tests.login import ANNA, BERTIL

UTC = datetime.UTC
pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # Monday 08:00 local
TUESDAY_9 = datetime.datetime(2026, 5, 5, 7, 0, tzinfo=UTC)  # Tuesday 09:00 local
TUESDAY_10 = datetime.datetime(2026, 5, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def resource():
    return ResourceFactory()


def test_a_booked_time_cannot_be_booked_again(now, resource):
    anna = resident_for(person=ANNA)
    booking = actions.book_slot(resource=resource, starts_at=TUESDAY_9, resident=anna)
    assert booking.status == BookingStatus.CONFIRMED
    with pytest.raises(actions.SlotTaken, match="Tiden är tyvärr redan bokad"):
        actions.book_slot(
            resource=resource, starts_at=TUESDAY_9, resident=resident_for(person=BERTIL)
        )
    assert Slot.objects.get().booked == 1
    assert Booking.objects.count() == 1


def test_a_slot_with_room_for_two_takes_two(now):
    resource = ResourceFactory(capacity=2)
    actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    with pytest.raises(actions.SlotTaken):
        actions.book_slot(resource=resource, starts_at=TUESDAY_9)


def test_the_database_refuses_more_places_than_the_capacity(now, resource):
    actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.update(booked=F("booked") + 1)


def test_times_outside_the_schedule_or_the_window_are_refused(now):
    resource = ResourceFactory(min_notice_hours=2)
    with pytest.raises(actions.BookingError, match="Den tiden finns inte"):
        actions.book_slot(resource=resource, starts_at=TUESDAY_9 + datetime.timedelta(minutes=10))
    with pytest.raises(actions.BookingError, match="går inte längre att boka"):
        actions.book_slot(
            resource=resource, starts_at=datetime.datetime(2026, 5, 4, 7, 30, tzinfo=UTC)
        )
    with pytest.raises(actions.BookingError, match="går inte att boka än"):
        actions.book_slot(
            resource=resource, starts_at=datetime.datetime(2026, 9, 1, 7, 0, tzinfo=UTC)
        )
    assert Slot.objects.filter(booked__gt=0).count() == 0


def test_a_blocked_time_cannot_be_booked(now, resource):
    actions.set_blocked(resource=resource, starts_at=TUESDAY_9, blocked=True, reason="Utbildning")
    with pytest.raises(actions.SlotTaken):
        actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    actions.set_blocked(resource=resource, starts_at=TUESDAY_9, blocked=False)
    actions.book_slot(resource=resource, starts_at=TUESDAY_9)


def test_a_hold_keeps_the_time_until_it_runs_out(time_machine, resource):
    time_machine.move_to(NOW, tick=False)
    actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
    with pytest.raises(actions.SlotTaken):
        actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="form-b")
    time_machine.move_to(NOW + datetime.timedelta(minutes=16), tick=False)
    taken = actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="form-b")
    assert Booking.objects.get(hold_key="form-a").status == BookingStatus.EXPIRED
    assert Slot.objects.get().booked == 1
    # Form a's resident sends the form: the time is gone, nothing is booked for them.
    with pytest.raises(actions.SlotTaken):
        actions.confirm(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
    confirmed = actions.confirm(resource=resource, starts_at=TUESDAY_9, hold_key="form-b")
    assert confirmed.pk == taken.pk and confirmed.status == BookingStatus.CONFIRMED


def test_a_hold_that_ran_out_is_still_confirmed_when_nobody_took_the_time(time_machine, resource):
    time_machine.move_to(NOW, tick=False)
    actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
    time_machine.move_to(NOW + datetime.timedelta(hours=2), tick=False)
    booking = actions.confirm(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
    assert booking.status == BookingStatus.CONFIRMED
    assert Slot.objects.get().booked == 1


def test_picking_another_time_releases_the_first_and_abandoning_releases_all(now, resource):
    actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
    actions.hold_slot(resource=resource, starts_at=TUESDAY_10, hold_key="form-a")
    assert Slot.objects.get(starts_at=TUESDAY_9).booked == 0
    assert Slot.objects.get(starts_at=TUESDAY_10).booked == 1
    assert actions.release_holds(hold_key="form-a") == 1
    assert Slot.objects.get(starts_at=TUESDAY_10).booked == 0


def test_rebooking_secures_the_new_time_and_releases_the_old(now, resource):
    booking = actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    new = actions.rebook(booking=booking, starts_at=TUESDAY_10)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REBOOKED
    assert new.status == BookingStatus.CONFIRMED and new.rebooked_from == booking
    assert Slot.objects.get(starts_at=TUESDAY_9).booked == 0
    assert Slot.objects.get(starts_at=TUESDAY_10).booked == 1


def test_rebooking_to_a_taken_time_leaves_the_old_booking(now, resource):
    booking = actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    actions.book_slot(resource=resource, starts_at=TUESDAY_10)
    with pytest.raises(actions.SlotTaken):
        actions.rebook(booking=booking, starts_at=TUESDAY_10)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Slot.objects.get(starts_at=TUESDAY_9).booked == 1


def test_a_failure_in_the_middle_of_a_rebooking_leaves_everything_as_it_was(
    now, resource, monkeypatch
):
    booking = actions.book_slot(resource=resource, starts_at=TUESDAY_9)

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    # The new time is taken, then releasing the old one fails.
    monkeypatch.setattr(actions, "_give_back", broken)
    with pytest.raises(RuntimeError):
        actions.rebook(booking=booking, starts_at=TUESDAY_10)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert Slot.objects.get(starts_at=TUESDAY_9).booked == 1
    assert not Slot.objects.filter(starts_at=TUESDAY_10, booked__gt=0).exists()
    assert Booking.objects.count() == 1


def test_the_resident_cannot_cancel_or_rebook_after_the_deadline_but_staff_can(
    time_machine, resource, django_user_model
):
    time_machine.move_to(NOW, tick=False)
    booking = actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    # 23 hours before: past the 24-hour deadline.
    time_machine.move_to(TUESDAY_9 - datetime.timedelta(hours=23), tick=False)
    with pytest.raises(actions.DeadlinePassed, match="24 timmar före"):
        actions.cancel_booking(booking=booking)
    with pytest.raises(actions.DeadlinePassed):
        actions.rebook(booking=booking, starts_at=TUESDAY_10)
    officer = django_user_model.objects.create_user("hanna")
    cancelled = actions.cancel_booking(
        booking=booking, staff_user=officer, message="Rådgivaren är sjuk."
    )
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.cancel_message == "Rådgivaren är sjuk."
    assert Slot.objects.get().booked == 0


def test_a_cancelled_time_is_free_again(now, resource):
    booking = actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    actions.cancel_booking(booking=booking)
    with pytest.raises(actions.BookingError):
        actions.cancel_booking(booking=booking)
    actions.book_slot(resource=resource, starts_at=TUESDAY_9)
