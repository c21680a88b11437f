"""The free times a booking question offers (a read, no rules)."""

import datetime

from django import template
from django.utils import timezone

from etjanst.bookings.models import Booking
from etjanst.bookings.schedule import by_day, free_slots, parse_slot_value

register = template.Library()


def offered_days(resource, *, days: int, chosen: str = "", hold_key: str = "") -> list:
    """Free times from today on, by local day. The time this form holds
    stays in the list (it counts as taken); a time it chose but lost to
    someone else does not (issue 23: the page after a lost race listed it)."""
    if resource is None:
        return []
    today = timezone.localdate()
    slots = free_slots(resource, today, today + datetime.timedelta(days=days - 1))
    held = ""
    starts_at = parse_slot_value(chosen) if chosen else None
    if (
        starts_at is not None
        and (
            Booking.objects.held_by(hold_key).filter(resource=resource, slot__starts_at=starts_at)
        ).exists()
    ):
        held = chosen
    return by_day([s for s in slots if s.free > 0 or (held and s.value == held)])


@register.simple_tag
def booking_days(question, chosen="", hold_key=""):
    resource = question.type_plugin.resource(question)
    days = question.options.get("days", question.type_plugin.default_days)
    return offered_days(resource, days=days, chosen=chosen or "", hold_key=hold_key or "")


@register.simple_tag
def booking_resource(question):
    return question.type_plugin.resource(question)


@register.simple_tag
def booking_deadline(question, value):
    """Until when the chosen time can be cancelled or rebooked on the web,
    and whether that has already passed: said before the resident confirms."""
    resource = question.type_plugin.resource(question)
    starts_at = parse_slot_value(value) if isinstance(value, str) else None
    if resource is None or starts_at is None:
        return None
    deadline = resource.change_deadline_for(starts_at)
    return {
        "deadline": timezone.localtime(deadline),
        "passed": timezone.now() > deadline,
        "hours": resource.change_deadline_hours,
    }
