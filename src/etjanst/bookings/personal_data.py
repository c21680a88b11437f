"""The bookings part of a person's register extract: every booking made in
their name, with resource, time, status and the contact details kept."""

from django.utils import timezone

from etjanst.people.extract import personal_data

from .models import Booking


@personal_data("bookings")
def bookings(owner) -> list[dict]:
    return [
        {
            "resource": booking.resource.name,
            "starts_at": timezone.localtime(booking.slot.starts_at).isoformat(),
            "status": str(booking.get_status_display()),
            "name": booking.name,
            "email": booking.email,
            "booked_at": booking.created_at.isoformat(),
        }
        for booking in Booking.objects.filter(resident=owner)
        .select_related("resource", "slot")
        .order_by("slot__starts_at")
    ]
