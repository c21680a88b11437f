"""The form of an e-service version: a JSON document (steps → questions)
validated against schema/form.schema.json plus the checks JSON Schema cannot
express (unique ids, conditions that point backwards, valid patterns)."""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SCHEMA_PATH = Path(__file__).parent / "schema" / "form.schema.json"


@cache
def _validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@dataclass(frozen=True)
class Condition:
    question: str
    operator: str  # equals, not_equals, one_of, checked
    value: Any

    @classmethod
    def from_json(cls, data: dict | None) -> "Condition | None":
        if not data:
            return None
        for operator in ("equals", "not_equals", "one_of", "checked"):
            if operator in data:
                return cls(question=data["question"], operator=operator, value=data[operator])
        raise ValueError(data)

    def as_json(self) -> dict:
        return {"question": self.question, self.operator: self.value}


@dataclass(frozen=True)
class PrefillSpec:
    """Where a question's answer comes from after an e-ID login (prefill
    sources, e.g. Navet), and whether the resident may change it."""

    source: str
    attribute: str
    locked: bool = False
    # What a person with protected identity reads instead of an address question.
    protected_text: str = ""

    @classmethod
    def from_json(cls, data: dict | None) -> "PrefillSpec | None":
        return cls(**data) if data else None


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    label: str = ""
    help_text: str = ""
    text: str = ""
    required: bool = False
    widget: str = "radio"
    choices: tuple[Choice, ...] = ()
    validation: dict = field(default_factory=dict)
    visible_if: Condition | None = None
    required_if: Condition | None = None
    options: dict = field(default_factory=dict)
    prefill: PrefillSpec | None = None

    @property
    def type_plugin(self):
        from .questions import question_types

        return question_types[self.type]

    @property
    def file_kinds(self) -> list:
        return self.type_plugin.accepted_kinds(self)

    @property
    def max_file_bytes(self) -> int:
        return self.type_plugin.max_bytes(self)

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    questions: tuple[Question, ...]
    description: str = ""
    visible_if: Condition | None = None


@dataclass(frozen=True)
class FormDefinition:
    steps: tuple[Step, ...]
    confirmation_email: bool = True

    def questions(self) -> list[Question]:
        return [q for step in self.steps for q in step.questions]

    def question(self, question_id: str) -> Question | None:
        for q in self.questions():
            if q.id == question_id:
                return q
        return None


_QUESTION_KEYS = {
    "id", "type", "label", "help_text", "text", "required", "widget", "choices",
    "validation", "visible_if", "required_if", "prefill",
}  # fmt: skip


def validate_form_json(data: Any) -> None:
    """Raise ValidationError with readable Swedish messages if the form is
    bad: every problem at once, each with its place (step and question)."""
    problems = schema_problems(data)
    if problems:
        raise ValidationError(problems)


def _semantic_problems(data: dict) -> list[str]:
    """What JSON Schema cannot check: unique ids, conditions that point
    backwards at real choices, valid patterns, prefill sources, resources."""
    messages: list[str] = []
    seen: dict[str, dict] = {}
    step_ids = set()
    for step in data["steps"]:
        if step["id"] in step_ids:
            messages.append(_("Steget %(id)s finns två gånger.") % {"id": step["id"]})
        step_ids.add(step["id"])
        # A step's condition may only look at questions in earlier steps.
        earlier = dict(seen)
        _check_condition(step.get("visible_if"), earlier, step["id"], messages)
        for question in step["questions"]:
            qid = question["id"]
            if qid in seen:
                messages.append(_("Frågan %(id)s finns två gånger.") % {"id": qid})
            for key in ("visible_if", "required_if"):
                _check_condition(question.get(key), seen, qid, messages)
            pattern = question.get("validation", {}).get("pattern")
            if pattern is not None:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    messages.append(
                        _("Frågan %(id)s har ett ogiltigt mönster: %(error)s")
                        % {"id": qid, "error": exc}
                    )
            choices = [c["value"] for c in question.get("choices", [])]
            if len(choices) != len(set(choices)):
                messages.append(
                    _("Frågan %(id)s har samma svarsalternativ två gånger.") % {"id": qid}
                )
            _check_prefill(question, messages)
            _check_booking(question, messages)
            seen[qid] = question
    return messages


# The values each kind of question can have, for checking conditions on it.
_FIXED_VALUES = {"yes_no": {"yes", "no"}}
_NO_ANSWER = {"info"}


def _check_condition(
    condition: dict | None, earlier: dict[str, dict], owner: str, messages: list
) -> None:
    if not condition:
        return
    target = condition["question"]
    if target not in earlier:
        messages.append(
            _("Villkoret på %(owner)s pekar på %(target)s, som inte är en tidigare fråga.")
            % {"owner": owner, "target": target}
        )
        return
    question = earlier[target]
    if question["type"] in _NO_ANSWER:
        messages.append(
            _("Villkoret på %(owner)s pekar på %(target)s, som inte har något svar.")
            % {"owner": owner, "target": target}
        )
        return
    allowed = _FIXED_VALUES.get(question["type"])
    if question.get("choices"):
        allowed = {c["value"] for c in question["choices"]}
    if allowed is None:
        return
    wanted = condition.get("one_of") or [condition.get("equals", condition.get("not_equals"))]
    unknown = [v for v in wanted if v is not None and v not in allowed]
    if unknown:
        messages.append(
            _("Villkoret på %(owner)s använder värden som %(target)s inte har: %(values)s")
            % {"owner": owner, "target": target, "values": ", ".join(map(str, unknown))}
        )


def _check_prefill(question: dict, messages: list) -> None:
    """The source must exist and offer the attribute, for this question type."""
    spec = question.get("prefill")
    if not spec:
        return
    from etjanst.prefill.registry import prefill_sources

    qid = question["id"]
    if spec["source"] not in prefill_sources:
        messages.append(
            _("Frågan %(id)s hämtar uppgifter från %(source)s, som inte finns.")
            % {"id": qid, "source": spec["source"]}
        )
        return
    source = prefill_sources[spec["source"]]
    types = source.attributes.get(spec["attribute"])
    if types is None:
        messages.append(
            _("Frågan %(id)s hämtar %(attribute)s, som %(source)s inte har.")
            % {"id": qid, "attribute": spec["attribute"], "source": spec["source"]}
        )
    elif question["type"] not in types:
        messages.append(
            _("Frågan %(id)s är av typen %(type)s och kan inte fyllas i med %(attribute)s.")
            % {"id": qid, "type": question["type"], "attribute": spec["attribute"]}
        )


def _check_booking(question: dict, messages: list) -> None:
    """A booking question must name a resource that exists."""
    if question["type"] != "booking":
        return
    from etjanst.bookings.models import Resource

    if not Resource.objects.filter(slug=question["resource"]).exists():
        messages.append(
            _("Frågan %(id)s bokar tider hos %(resource)s, som inte finns.")
            % {"id": question["id"], "resource": question["resource"]}
        )


def parse_form(data: dict) -> FormDefinition:
    """Build a FormDefinition from JSON that validate_form_json accepted."""
    steps = []
    for step in data["steps"]:
        questions = []
        for q in step["questions"]:
            questions.append(
                Question(
                    id=q["id"],
                    type=q["type"],
                    label=q.get("label", ""),
                    help_text=q.get("help_text", ""),
                    text=q.get("text", ""),
                    required=q.get("required", False),
                    widget=q.get("widget", "radio"),
                    choices=tuple(Choice(**c) for c in q.get("choices", [])),
                    validation=q.get("validation", {}),
                    visible_if=Condition.from_json(q.get("visible_if")),
                    required_if=Condition.from_json(q.get("required_if")),
                    prefill=PrefillSpec.from_json(q.get("prefill")),
                    options={k: v for k, v in q.items() if k not in _QUESTION_KEYS},
                )
            )
        steps.append(
            Step(
                id=step["id"],
                title=step["title"],
                description=step.get("description", ""),
                visible_if=Condition.from_json(step.get("visible_if")),
                questions=tuple(questions),
            )
        )
    return FormDefinition(
        steps=tuple(steps), confirmation_email=data.get("confirmation_email", True)
    )


# What JSON Schema's findings mean, in Swedish (jsonschema only speaks English).
_FIELD_NAMES = {
    "label": "frågetext (label)",
    "text": "text",
    "title": "rubrik (title)",
    "choices": "svarsalternativ (choices)",
    "type": "frågetyp (type)",
    "id": "id",
    "resource": "resurs (resource)",
    "questions": "frågor (questions)",
    "steps": "steg (steps)",
}


def _place(data: Any, path: list) -> str:
    """Where in the form: "Steg 2 «Om dig», fråga 3 «Namn», fältet label"."""
    parts = []
    try:
        if len(path) >= 2 and path[0] == "steps" and isinstance(path[1], int):
            step = data["steps"][path[1]]
            title = step.get("title") if isinstance(step, dict) else None
            parts.append(
                _("Steg %(n)d «%(t)s»") % {"n": path[1] + 1, "t": title}
                if title
                else _("Steg %(n)d") % {"n": path[1] + 1}
            )
            if len(path) >= 4 and path[2] == "questions" and isinstance(path[3], int):
                question = step["questions"][path[3]]
                label = question.get("label") if isinstance(question, dict) else None
                parts.append(
                    _("fråga %(n)d «%(l)s»") % {"n": path[3] + 1, "l": label}
                    if label
                    else _("fråga %(n)d") % {"n": path[3] + 1}
                )
                rest = path[4:]
            else:
                rest = path[2:]
        else:
            rest = path
    except (KeyError, IndexError, TypeError):
        rest = path
    if rest:
        parts.append(_("fältet %(f)s") % {"f": "/".join(str(p) for p in rest)})
    return ", ".join(parts) or _("Formuläret")


def _explain(error: jsonschema.ValidationError) -> str:
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [k for k in value if isinstance(instance, dict) and k not in instance]
        return _("%(f)s saknas.") % {
            "f": ", ".join(_FIELD_NAMES.get(k, k) for k in missing) or value
        }
    if kind == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed] if isinstance(instance, dict) else []
        return _("Okänd uppgift: %(f)s.") % {"f": ", ".join(map(str, extra))}
    if kind == "enum":
        return _("«%(v)s» är inte tillåtet. Välj ett av: %(allowed)s.") % {
            "v": instance,
            "allowed": ", ".join(map(str, value)),
        }
    if kind == "const":
        return _("Värdet ska vara «%(v)s».") % {"v": value}
    if kind == "type":
        names = {
            "string": _("en text"),
            "boolean": _("true eller false"),
            "integer": _("ett heltal"),
            "number": _("ett tal"),
            "array": _("en lista"),
            "object": _("ett objekt"),
        }
        wanted = value if isinstance(value, list) else [value]
        return _("Värdet ska vara %(t)s.") % {
            "t": _(" eller ").join(names.get(w, w) for w in wanted)
        }
    if kind == "minLength":
        return _("Texten får inte vara tom.") if value == 1 else _("Texten är för kort.")
    if kind == "maxLength":
        return _("Texten får vara högst %(n)d tecken. Nu är den %(len)d tecken.") % {
            "n": value,
            "len": len(instance),
        }
    if kind == "minItems":
        return _("Listan får inte vara tom.")
    if kind == "uniqueItems":
        return _("Listan har samma värde två gånger.")
    if kind == "pattern":
        if value.startswith("^[a-z]"):
            return _(
                "«%(v)s» är inget giltigt id: små bokstäver a–z, siffror och _, högst 50 "
                "tecken, och det första tecknet en bokstav."
            ) % {"v": instance}
        return _("«%(v)s» har fel form.") % {"v": instance}
    if kind in ("minimum", "exclusiveMinimum"):
        return _("Talet är för litet (minst %(n)s).") % {"n": value}
    if kind in ("maximum", "exclusiveMaximum"):
        return _("Talet är för stort (högst %(n)s).") % {"n": value}
    if kind == "oneOf":
        return _("Villkoret ska ha precis ett av equals, not_equals, one_of och checked.")
    return _("Värdet är inte tillåtet här.")


def schema_problems(data: Any) -> list[str]:
    """Every problem with the form, in Swedish with its place; [] when valid."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        return [
            _("Fel i formuläret, %(place)s: %(problem)s")
            % {"place": _place(data, list(e.absolute_path)), "problem": _explain(e)}
            for e in errors
        ]
    return _semantic_problems(data)
