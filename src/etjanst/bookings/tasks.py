"""Booking e-mails in the background, retried by the shared retry policy.
Idempotent: each e-mail is marked sent and never sent twice."""

from django.utils import timezone
from django_tasks import task

from etjanst.notifications.retry import retried

from . import emails
from .constants import BookingStatus
from .models import Booking


def _booking(booking_id: int) -> Booking | None:
    return Booking.objects.select_related("slot", "resource").filter(pk=booking_id).first()


@task()
@retried("Booking confirmation")
def send_booking_confirmation(*, booking_id: int) -> str:
    booking = _booking(booking_id)
    if booking is None or booking.confirmation_sent_at or booking.status != BookingStatus.CONFIRMED:
        return "skipped"
    emails.send_booking_confirmation(booking)
    Booking.objects.filter(pk=booking.pk).update(confirmation_sent_at=timezone.now())
    return "sent"


@task()
@retried("Booking reminder")
def send_booking_reminder(*, booking_id: int) -> str:
    booking = _booking(booking_id)
    if (
        booking is None
        or booking.reminder_sent_at
        or booking.status != BookingStatus.CONFIRMED
        or booking.slot.starts_at <= timezone.now()
    ):
        return "skipped"
    emails.send_booking_reminder(booking)
    Booking.objects.filter(pk=booking.pk).update(reminder_sent_at=timezone.now())
    return "sent"


@task()
@retried("Booking cancellation")
def send_booking_cancelled(*, booking_id: int) -> str:
    booking = _booking(booking_id)
    if booking is None or booking.cancellation_sent_at or booking.status != BookingStatus.CANCELLED:
        return "skipped"
    emails.send_booking_cancelled(booking)
    Booking.objects.filter(pk=booking.pk).update(cancellation_sent_at=timezone.now())
    return "sent"
