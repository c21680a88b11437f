from django import template

from etjanst.eservices.presentation import receipt_texts

register = template.Library()


@register.simple_tag
def case_receipt_texts(case) -> list[str]:
    """The texts of the case's form version that depend on its answers."""
    return receipt_texts(case.version.definition, case.answers)
