import json

from django import template

register = template.Library()


@register.filter
def condition_json(condition) -> str:
    return json.dumps(condition.as_json()) if condition else ""


@register.filter
def field_name(question, part: str = "") -> str:
    return question.type_plugin.field_name(question, part)


@register.filter
def anchor(question, part: str = "") -> str:
    """The id of the first input of a question (or a part of it): where the
    error summary links to."""
    name = question.type_plugin.field_name(question, part)
    grouped = question.type in {"multiple_choice", "yes_no"} or (
        question.type == "single_choice" and question.widget == "radio"
    )
    if grouped and not part:
        return f"id_{name}_0"
    return f"id_{name}"


@register.filter
def get(mapping, key):
    if isinstance(mapping, dict):
        return mapping.get(key, "")
    return ""


@register.filter
def contains(values, value) -> bool:
    return isinstance(values, list | tuple | set) and value in values


@register.simple_tag
def input_type(question) -> str:
    return {
        "email": "email",
        "phone": "tel",
        "date": "date",
    }.get(question.type, "text")


@register.simple_tag
def input_mode(question) -> str:
    return {"number": "decimal", "personnummer": "numeric"}.get(question.type, "")


@register.simple_tag
def autocomplete(question) -> str:
    if question.options.get("autocomplete"):
        return question.options["autocomplete"]
    return {"email": "email", "phone": "tel"}.get(question.type, "off")


@register.filter
def date_limit(question, key: str) -> str:
    """min_date/max_date as an ISO date for the date input's min/max."""
    from etjanst.eservices.questions.types import relative_date

    spec = question.validation.get(key)
    return relative_date(spec).isoformat() if spec else ""
