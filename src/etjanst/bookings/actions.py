"""Writes to bookings: hold a time while a form is finished, confirm it,
book directly, cancel, rebook, and block times. Keyword-only, one
transaction each; e-mails are queued on commit.

A place in a slot is taken with a conditional UPDATE
(`booked < capacity AND NOT blocked`) and a check constraint backs it up:
two residents can never get the last place, whatever the number of web
processes. So a booking's row lock is on the booking only (`of=("self",)`),
never on the slot or resource it joins: on PostgreSQL that would make
everyone booking the same time, or changing a booking of the same
resource, wait for one resident's transaction."""

import datetime
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import HOLD_MINUTES, TAKES_PLACE, BookingStatus
from .models import Booking, Resource, Slot
from .schedule import bookable_window, is_slot_start

logger = logging.getLogger(__name__)


class BookingError(Exception):
    """A booking could not be made or changed; nothing was changed. The
    message is for the resident."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class SlotTaken(BookingError):
    def __init__(self) -> None:
        super().__init__(_("Tiden är tyvärr redan bokad. Välj en annan tid."))


class DeadlinePassed(BookingError):
    def __init__(self, booking: Booking) -> None:
        super().__init__(
            _(
                "Det går inte längre att avboka eller boka om den här tiden på webben. "
                "Det gick fram till %(hours)d timmar före. Kontakta oss om du inte kan komma."
            )
            % {"hours": booking.resource.change_deadline_hours}
        )


def _check_bookable(resource: Resource, starts_at: datetime.datetime, now) -> datetime.datetime:
    if not resource.is_active:
        raise BookingError(_("Det går inte att boka tider här just nu."))
    times = is_slot_start(resource, starts_at)
    if times is None:
        raise BookingError(_("Den tiden finns inte. Välj en av tiderna i listan."))
    earliest, latest = bookable_window(resource, now)
    if starts_at < earliest:
        raise BookingError(_("Den tiden går inte längre att boka. Välj en senare tid."))
    if starts_at > latest:
        raise BookingError(_("Den tiden går inte att boka än. Välj en tidigare tid."))
    return times[1]


def _release_expired(slot: Slot, now) -> None:
    """Give back the places of holds that ran out. The conditional UPDATE
    counts only rows it really changed, so two releases never count twice."""
    released = Booking.objects.filter(
        slot=slot, status=BookingStatus.HELD, hold_expires_at__lt=now
    ).update(status=BookingStatus.EXPIRED)
    if released:
        Slot.objects.filter(pk=slot.pk).update(booked=F("booked") - released)


def _take(resource: Resource, starts_at: datetime.datetime, now) -> Slot:
    """Take one place in the slot, or raise SlotTaken. Call in a transaction."""
    ends_at = _check_bookable(resource, starts_at, now)
    slot, _created = Slot.objects.get_or_create(
        resource=resource,
        starts_at=starts_at,
        defaults={"ends_at": ends_at, "capacity": resource.capacity},
    )
    _release_expired(slot, now)
    taken = Slot.objects.filter(pk=slot.pk, blocked=False, booked__lt=F("capacity")).update(
        booked=F("booked") + 1
    )
    if not taken:
        raise SlotTaken
    return slot


def _give_back(booking: Booking, status: str, now) -> bool:
    """Move a booking that takes a place out of it, and free the place."""
    changed = Booking.objects.filter(pk=booking.pk, status__in=TAKES_PLACE).update(
        status=status, cancelled_at=now
    )
    if changed:
        Slot.objects.filter(pk=booking.slot_id).update(booked=F("booked") - 1)
    return bool(changed)


@transaction.atomic
def hold_slot(
    *,
    resource: Resource,
    starts_at: datetime.datetime,
    hold_key: str,
    minutes: int = HOLD_MINUTES,
) -> Booking:
    """Hold a time for a form being filled in. A form holds one time per
    resource: picking another releases the one held before."""
    now = timezone.now()
    expires = now + datetime.timedelta(minutes=minutes)
    current = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot")
        .filter(hold_key=hold_key, resource=resource, status=BookingStatus.HELD)
        .first()
    )
    if current is not None and current.slot.starts_at == starts_at:
        current.hold_expires_at = expires
        current.save(update_fields=["hold_expires_at"])
        return current
    slot = _take(resource, starts_at, now)
    if current is not None:
        _give_back(current, BookingStatus.EXPIRED, now)
    return Booking.objects.create(
        resource=resource,
        slot=slot,
        status=BookingStatus.HELD,
        hold_key=hold_key,
        hold_expires_at=expires,
    )


@transaction.atomic
def release_holds(*, hold_key: str) -> int:
    """The form was abandoned: give its held times back."""
    if not hold_key:
        return 0
    now = timezone.now()
    held = list(Booking.objects.filter(hold_key=hold_key, status=BookingStatus.HELD))
    return sum(_give_back(b, BookingStatus.EXPIRED, now) for b in held)


@transaction.atomic
def confirm(
    *,
    resource: Resource,
    starts_at: datetime.datetime,
    hold_key: str,
    resident=None,
    case=None,
    name: str = "",
    email: str = "",
) -> Booking:
    """Turn the form's hold into a booking (on submit). When the hold ran
    out and was released meanwhile, the time is taken again if it is still
    free; otherwise SlotTaken and the whole submission rolls back."""
    now = timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .filter(
            hold_key=hold_key,
            resource=resource,
            slot__starts_at=starts_at,
            status=BookingStatus.HELD,
        )
        .first()
        if hold_key
        else None
    )
    if booking is None:
        booking = Booking(
            resource=resource, slot=_take(resource, starts_at, now), hold_key=hold_key
        )
    booking.status = BookingStatus.CONFIRMED
    booking.hold_expires_at = None
    booking.resident, booking.case = resident, case
    booking.name, booking.email = name[:300], email
    booking.confirmed_at = now
    booking.save()
    _after_commit_confirmation(booking)
    return booking


@transaction.atomic
def book_slot(
    *,
    resource: Resource,
    starts_at: datetime.datetime,
    resident=None,
    name: str = "",
    email: str = "",
) -> Booking:
    """Book a time directly (no form in between)."""
    now = timezone.now()
    slot = _take(resource, starts_at, now)
    booking = Booking.objects.create(
        resource=resource,
        slot=slot,
        status=BookingStatus.CONFIRMED,
        resident=resident,
        name=name[:300],
        email=email,
        confirmed_at=now,
    )
    _after_commit_confirmation(booking)
    return booking


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot", "resource")
        .get(pk=booking.pk)
    )


@transaction.atomic
def cancel_booking(*, booking: Booking, staff_user=None, message: str = "") -> Booking:
    """Cancel a booking: by the resident before the deadline, or by staff at
    any time (with a message to the resident)."""
    now = timezone.now()
    locked = _locked(booking)
    if locked.status != BookingStatus.CONFIRMED or locked.slot.ends_at <= now:
        raise BookingError(_("Bokningen kan inte avbokas. Den är redan avbokad eller passerad."))
    if staff_user is None and not locked.may_change(now):
        raise DeadlinePassed(locked)
    _give_back(locked, BookingStatus.CANCELLED, now)
    Booking.objects.filter(pk=locked.pk).update(
        cancelled_by_staff=staff_user, cancel_message=(message or "").strip()[:4000]
    )
    locked.refresh_from_db()
    booking_id = locked.pk
    from . import tasks

    transaction.on_commit(lambda: tasks.send_booking_cancelled.enqueue(booking_id=booking_id))
    logger.info("Booking %s cancelled (%s)", locked.pk, "staff" if staff_user else "resident")
    return locked


@transaction.atomic
def rebook(*, booking: Booking, starts_at: datetime.datetime) -> Booking:
    """Move a booking to another time. The new time is secured before the
    old one is released, in one transaction: if anything fails the old
    booking stands as it was."""
    now = timezone.now()
    locked = _locked(booking)
    if locked.status != BookingStatus.CONFIRMED:
        raise BookingError(_("Bokningen kan inte bokas om. Den är redan avbokad."))
    if not locked.may_change(now):
        raise DeadlinePassed(locked)
    if locked.slot.starts_at == starts_at:
        raise BookingError(_("Du har redan den tiden. Välj en annan tid."))
    slot = _take(locked.resource, starts_at, now)
    new = Booking.objects.create(
        resource=locked.resource,
        slot=slot,
        status=BookingStatus.CONFIRMED,
        resident=locked.resident,
        case=locked.case,
        name=locked.name,
        email=locked.email,
        confirmed_at=now,
        rebooked_from=locked,
    )
    if not _give_back(locked, BookingStatus.REBOOKED, now):
        raise BookingError(_("Bokningen ändrades samtidigt. Försök igen."))
    _after_commit_confirmation(new)
    return new


@transaction.atomic
def set_blocked(
    *, resource: Resource, starts_at: datetime.datetime, blocked: bool, reason: str = ""
) -> Slot:
    """Staff block a time (no new bookings) or open it again. Bookings
    already made stay; staff cancel them one by one, with a message."""
    times = is_slot_start(resource, starts_at)
    if times is None:
        raise BookingError(_("Den tiden finns inte i schemat."))
    slot, _created = Slot.objects.get_or_create(
        resource=resource,
        starts_at=starts_at,
        defaults={"ends_at": times[1], "capacity": resource.capacity},
    )
    Slot.objects.filter(pk=slot.pk).update(blocked=blocked, block_reason=reason[:200])
    slot.refresh_from_db()
    return slot


def _after_commit_confirmation(booking: Booking) -> None:
    if not booking.email:
        return
    from . import tasks

    booking_id = booking.pk
    transaction.on_commit(
        lambda: tasks.send_booking_confirmation.using(priority=10).enqueue(booking_id=booking_id)
    )


def _booking_answers(form, answers: dict):
    from .schedule import parse_slot_value

    for question in form.questions():
        if question.type == "booking" and answers.get(question.id):
            starts_at = parse_slot_value(answers[question.id])
            resource = Resource.objects.filter(slug=question.options.get("resource")).first()
            if starts_at is not None and resource is not None:
                yield question, resource, starts_at


def hold_for_step(*, form, step, answers: dict, hold_key: str) -> dict[str, str]:
    """Hold the times a valid step's booking questions picked. Returns the
    problems per question id (a time someone else took meanwhile)."""
    step_ids = {q.id for q in step.questions}
    problems = {}
    for question, resource, starts_at in _booking_answers(form, answers):
        if question.id not in step_ids:
            continue
        try:
            hold_slot(resource=resource, starts_at=starts_at, hold_key=hold_key)
        except BookingError as exc:
            problems[question.id] = exc.message
    return problems


def confirm_for_case(*, case, form, answers: dict, hold_key: str, email: str = "") -> list:
    """Confirm the held times of a case being submitted, inside the case's
    own transaction: the case and its bookings are stored together or not
    at all (SlotTaken rolls the submission back)."""
    return [
        confirm(
            resource=resource,
            starts_at=starts_at,
            hold_key=hold_key,
            resident=case.owner,
            case=case,
            name=case.sender_name,
            email=email,
        )
        for _question, resource, starts_at in _booking_answers(form, answers)
    ]
