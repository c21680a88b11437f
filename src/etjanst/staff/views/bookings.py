"""Bookings for the staff who manage a resource: a day or week view, block
times, cancel a booking with a message. Resources are reached through
`Resource.objects.managed_by(user)` (404 otherwise); the rules are in
bookings.actions."""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.bookings import actions
from etjanst.bookings.constants import BookingStatus
from etjanst.bookings.models import Booking, Resource
from etjanst.bookings.schedule import by_day, free_slots, local_zone, parse_slot_value
from etjanst.people.access import is_staff_member

from .access import staff_view


def _resource(request, resource_id: int) -> Resource:
    return get_object_or_404(Resource.objects.managed_by(request.user), pk=resource_id)


def _first_day(request) -> tuple[datetime.date, int]:
    """The period asked for: `?dag=ÅÅÅÅ-MM-DD` (one day) or `?vecka=ÅÅÅÅ-MM-DD`
    (the week with that day); default this week."""
    for key, days in (("dag", 1), ("vecka", 7)):
        try:
            day = datetime.date.fromisoformat(request.GET.get(key, ""))
        except ValueError:
            continue
        return (day if days == 1 else day - datetime.timedelta(days=day.weekday())), days
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()), 7


@staff_view(logged_in=is_staff_member)
def resource_list(request):
    resources = Resource.objects.managed_by(request.user).select_related("committee")
    return render(request, "staff/bookings/resources.html", {"resources": resources})


@staff_view(logged_in=is_staff_member)
def schedule(request, resource_id: int):
    resource = _resource(request, resource_id)
    first, days = _first_day(request)
    last = first + datetime.timedelta(days=days - 1)
    slots = free_slots(resource, first, last, bookable_only=False)
    zone = local_zone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    bookings: dict = {}
    for booking in (
        Booking.objects.filter(
            resource=resource,
            status=BookingStatus.CONFIRMED,
            slot__starts_at__gte=start,
            slot__starts_at__lt=end,
        )
        .select_related("slot", "case")
        .order_by("slot__starts_at", "pk")
    ):
        bookings.setdefault(booking.slot.starts_at, []).append(booking)
    rows = [
        (day, [(slot, bookings.get(slot.starts_at, [])) for slot in day_slots])
        for day, day_slots in by_day(slots)
    ]
    step = datetime.timedelta(days=days)
    key = "dag" if days == 1 else "vecka"
    return render(
        request,
        "staff/bookings/schedule.html",
        {
            "resource": resource,
            "rows": rows,
            "first": first,
            "last": last,
            "days": days,
            "previous_url": f"?{key}={(first - step).isoformat()}",
            "next_url": f"?{key}={(first + step).isoformat()}",
            "week_url": f"?vecka={first.isoformat()}",
            "now": timezone.now(),
        },
    )


@staff_view(logged_in=is_staff_member)
def block(request, resource_id: int):
    resource = _resource(request, resource_id)
    back = request.POST.get("tillbaka", "")
    url = reverse("staff:booking_schedule", args=[resource.pk]) + (
        back if back.startswith("?") else ""
    )
    if request.method != "POST":
        return redirect(url)
    starts_at = parse_slot_value(request.POST.get("tid", ""))
    if starts_at is None:
        messages.error(request, _("Välj en tid."))
        return redirect(url)
    blocked = request.POST.get("action") != "open"
    try:
        actions.set_blocked(
            resource=resource,
            starts_at=starts_at,
            blocked=blocked,
            reason=request.POST.get("anledning", ""),
        )
    except actions.BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Tiden är spärrad.") if blocked else _("Tiden är öppen igen."))
    return redirect(url)


@staff_view(logged_in=is_staff_member)
def cancel(request, booking_id: int):
    booking = get_object_or_404(
        Booking.objects.for_resource_staff(request.user).select_related("slot", "resource"),
        pk=booking_id,
    )
    error = ""
    if request.method == "POST":
        message = request.POST.get("meddelande", "").strip()
        if not message:
            error = _("Skriv ett meddelande till den som har bokat.")
        else:
            try:
                actions.cancel_booking(booking=booking, staff_user=request.user, message=message)
            except actions.BookingError as exc:
                error = exc.message
            else:
                messages.success(
                    request, _("Bokningen är avbokad. Den som bokade får ett e-postmeddelande.")
                )
                day = timezone.localtime(booking.slot.starts_at).date()
                url = reverse("staff:booking_schedule", args=[booking.resource_id])
                return redirect(f"{url}?vecka={day.isoformat()}")
    return render(
        request,
        "staff/bookings/cancel.html",
        {"booking": booking, "error": error},
        status=400 if error else 200,
    )
