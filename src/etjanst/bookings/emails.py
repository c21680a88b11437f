"""Booking e-mails: the resource, the time and the place, with a calendar
file. No personnummer, nothing from a form."""

from etjanst.notifications.emails import send, site_link

from .calendar import booking_ics


def send_booking_confirmation(booking) -> bool:
    if not booking.email:
        return False
    send(
        "booking_confirmation",
        booking.email,
        {"booking": booking, "link": site_link("portal:my_booking", booking.pk)},
        attachments=[("bokning.ics", booking_ics(booking), "text/calendar")],
    )
    return True


def send_booking_reminder(booking) -> bool:
    if not booking.email:
        return False
    send(
        "booking_reminder",
        booking.email,
        {"booking": booking, "link": site_link("portal:my_booking", booking.pk)},
    )
    return True


def send_booking_cancelled(booking) -> bool:
    """The booking was cancelled, by the resident or by staff (then with
    the staff member's message)."""
    if not booking.email:
        return False
    send(
        "booking_cancelled",
        booking.email,
        {"booking": booking, "link": site_link("portal:my_bookings")},
        attachments=[("bokning.ics", booking_ics(booking, cancelled=True), "text/calendar")],
    )
    return True
