"""The day-before reminders, queued by `manage.py send_booking_reminders`."""

import datetime

from django.utils import timezone

from .constants import BookingStatus
from .models import Booking
from .schedule import local_zone


def queue_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queue a reminder for every confirmed booking tomorrow (local date)
    that has not had one. Safe to run more than once a day."""
    from . import tasks

    now = now or timezone.now()
    zone = local_zone()
    tomorrow = now.astimezone(zone).date() + datetime.timedelta(days=1)
    start = datetime.datetime.combine(tomorrow, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        tomorrow + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    ids = list(
        Booking.objects.filter(
            status=BookingStatus.CONFIRMED,
            reminder_sent_at__isnull=True,
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
        )
        .exclude(email="")
        .values_list("pk", flat=True)
    )
    for booking_id in ids:
        tasks.send_booking_reminder.enqueue(booking_id=booking_id)
    return len(ids)
