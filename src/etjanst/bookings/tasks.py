"""Booking e-mails in the background, retried like the case e-mails.
Idempotent: each e-mail is marked sent and never sent twice."""

import smtplib

from django.utils import timezone
from django_tasks import task

from etjanst.cases.tasks import _retry_later
from etjanst.notifications import emails

from .constants import BookingStatus
from .models import Booking


def _booking(booking_id: int) -> Booking | None:
    return Booking.objects.select_related("slot", "resource").filter(pk=booking_id).first()


@task()
def send_booking_confirmation(*, booking_id: int, attempt: int = 1) -> str:
    booking = _booking(booking_id)
    if booking is None or booking.confirmation_sent_at or booking.status != BookingStatus.CONFIRMED:
        return "skipped"
    try:
        emails.send_booking_confirmation(booking)
    except (smtplib.SMTPException, OSError) as exc:
        what = f"Booking confirmation {booking.pk}"
        return _retry_later(send_booking_confirmation, exc, attempt, what, booking_id=booking_id)
    Booking.objects.filter(pk=booking.pk).update(confirmation_sent_at=timezone.now())
    return "sent"


@task()
def send_booking_reminder(*, booking_id: int, attempt: int = 1) -> str:
    booking = _booking(booking_id)
    if (
        booking is None
        or booking.reminder_sent_at
        or booking.status != BookingStatus.CONFIRMED
        or booking.slot.starts_at <= timezone.now()
    ):
        return "skipped"
    try:
        emails.send_booking_reminder(booking)
    except (smtplib.SMTPException, OSError) as exc:
        what = f"Booking reminder {booking.pk}"
        return _retry_later(send_booking_reminder, exc, attempt, what, booking_id=booking_id)
    Booking.objects.filter(pk=booking.pk).update(reminder_sent_at=timezone.now())
    return "sent"


@task()
def send_booking_cancelled(*, booking_id: int, attempt: int = 1) -> str:
    booking = _booking(booking_id)
    if booking is None or booking.cancellation_sent_at or booking.status != BookingStatus.CANCELLED:
        return "skipped"
    try:
        emails.send_booking_cancelled(booking)
    except (smtplib.SMTPException, OSError) as exc:
        what = f"Booking cancellation {booking.pk}"
        return _retry_later(send_booking_cancelled, exc, attempt, what, booking_id=booking_id)
    Booking.objects.filter(pk=booking.pk).update(cancellation_sent_at=timezone.now())
    return "sent"
