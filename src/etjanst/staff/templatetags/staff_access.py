"""What the staff navigation shows a user (the rule is in people.access)."""

from django import template

from etjanst.integrations.access import may_manage_integrations
from etjanst.people.access import is_staff_member
from etjanst.people.access import may_build as _may_build
from etjanst.statistics.access import may_use_statistics

register = template.Library()


@register.filter
def may_build(user) -> bool:
    """Whether the user builds e-services (the builder's link)."""
    return _may_build(user)


@register.filter
def handles_cases(user) -> bool:
    """Whether the user works with cases (the inbox and its neighbours)."""
    return is_staff_member(user)


@register.filter
def sees_statistics(user) -> bool:
    """Whether the user may open the statistics (their link)."""
    return may_use_statistics(user)


@register.filter
def manages_integrations(user) -> bool:
    """Whether the user manages API clients (the link to them)."""
    return may_manage_integrations(user)
