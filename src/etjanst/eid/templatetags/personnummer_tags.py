"""`{% load personnummer_tags %}{{ number|masked_personnummer }}`: the one
way a personnummer is shown in lists (YYYYMMDD-XXXX)."""

from django import template

from etjanst.eid import personnummer

register = template.Library()


@register.filter
def masked_personnummer(value: str) -> str:
    return personnummer.mask(value)
