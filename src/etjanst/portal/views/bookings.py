"""Mina bokningar: the resident's bookings, cancel and rebook. Every
booking is reached through `Booking.objects.owned_by(resident)`: another
person's booking id is a 404. The rules (deadlines, free places) are in
bookings.actions."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from etjanst.bookings import actions
from etjanst.bookings.calendar import booking_ics
from etjanst.bookings.constants import BookingStatus
from etjanst.bookings.models import Booking
from etjanst.bookings.schedule import parse_slot_value

from ..templatetags.booking_slots import offered_days
from .mypages import person_required

PAST_SHOWN = 25
REBOOK_DAYS = 28


def _mine(request):
    return Booking.objects.owned_by(request.resident).select_related("slot", "resource", "case")


def _my_booking(request, booking_id: int) -> Booking:
    return get_object_or_404(_mine(request), pk=booking_id)


@person_required
def booking_list(request):
    return render(
        request,
        "portal/bookings/list.html",
        {"upcoming": _mine(request).upcoming(), "past": _mine(request).past()[:PAST_SHOWN]},
    )


@person_required
def booking_detail(request, booking_id: int):
    booking = _my_booking(request, booking_id)
    return render(request, "portal/bookings/detail.html", {"booking": booking})


@person_required
def booking_calendar(request, booking_id: int):
    """The booking as a calendar file, the same one the confirmation mail
    carries (a cancelled booking's file removes it from the calendar)."""
    booking = _my_booking(request, booking_id)
    ics = booking_ics(booking, cancelled=booking.status == BookingStatus.CANCELLED)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="bokning.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@person_required
def booking_cancel(request, booking_id: int):
    booking = _my_booking(request, booking_id)
    if request.method == "POST":
        try:
            actions.cancel_booking(booking=booking)
        except actions.BookingError as exc:
            messages.error(request, exc.message)
            return redirect("portal:my_booking", booking.pk)
        messages.success(request, _("Din tid är avbokad."))
        return redirect("portal:my_bookings")
    return render(request, "portal/bookings/cancel.html", {"booking": booking})


@person_required
def booking_rebook(request, booking_id: int):
    booking = _my_booking(request, booking_id)
    error, status = "", 200
    if not booking.may_change():
        error = actions.DeadlinePassed(booking).message if booking.is_upcoming else ""
    if request.method == "POST" and not error:
        starts_at = parse_slot_value(request.POST.get("tid", ""))
        if starts_at is None:
            error = _("Välj en ny tid.")
        else:
            try:
                new = actions.rebook(booking=booking, starts_at=starts_at)
            except actions.BookingError as exc:
                error = exc.message
            else:
                messages.success(request, _("Din tid är ombokad. Den gamla tiden är avbokad."))
                return redirect("portal:my_booking", new.pk)
        status = 400
    days = offered_days(booking.resource, days=REBOOK_DAYS) if booking.may_change() else []
    return render(
        request,
        "portal/bookings/rebook.html",
        {"booking": booking, "days": days, "error": error},
        status=status,
    )
