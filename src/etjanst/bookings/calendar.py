"""The calendar file (.ics, RFC 5545) sent with a booking confirmation."""

from django.conf import settings
from icalendar import Calendar, Event

from etjanst.content.look import municipality


def booking_ics(booking, *, cancelled: bool = False) -> bytes:
    """One event in UTC, with a stable UID per booking so that a calendar
    updates it instead of adding a second one. No personal data."""
    calendar = Calendar()
    calendar.add("prodid", "-//Etjanst//Bokningar//SV")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = Event()
    host = settings.ETJANST_SITE_URL.split("//", 1)[-1].split("/", 1)[0] or "etjanst"
    event.add("uid", f"booking-{booking.pk}@{host}")
    event.add("dtstamp", booking.confirmed_at or booking.created_at)
    event.add("dtstart", booking.slot.starts_at)
    event.add("dtend", booking.slot.ends_at)
    event.add("summary", f"{booking.resource.name} – {municipality()['name']}")
    if booking.resource.place:
        event.add("location", booking.resource.place)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
