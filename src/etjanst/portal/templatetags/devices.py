from django import template

from etjanst.eid.devices import is_handheld

register = template.Library()


@register.filter
def handheld(request) -> bool:
    """A phone or tablet (see etjanst.eid.devices): BankID on this device first."""
    return is_handheld(request.headers.get("User-Agent", "")) if request else False
