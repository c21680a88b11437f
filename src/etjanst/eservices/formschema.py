"""The form of an e-service version: a JSON document (steps → questions)
validated against schema/form.schema.json plus the checks JSON Schema cannot
express (unique ids, conditions that point backwards, valid patterns)."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
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
class ReceiptText:
    """A text on the receipt that depends on the answers ("Vi börjar utreda
    ansökan när vi har fått läkarintyget" only when it was not attached)."""

    text: str
    visible_if: Condition | None = None


@dataclass(frozen=True)
class FormDefinition:
    steps: tuple[Step, ...]
    receipt_texts: tuple[ReceiptText, ...] = ()
    confirmation_email: bool = True

    def questions(self) -> list[Question]:
        return [q for step in self.steps for q in step.questions]

    def question(self, question_id: str) -> Question | None:
        for q in self.questions():
            if q.id == question_id:
                return q
        return None


# Checks of a question's definition that need another app (that a prefill
# source offers the attribute, that a booked resource exists). That app
# registers them when it starts (its AppConfig.ready), so the form schema
# depends on none of them. A check returns its messages, empty when all is well.
QuestionCheck = Callable[[dict], list[str]]
question_checks: list[QuestionCheck] = []


def register_question_check(check: QuestionCheck) -> QuestionCheck:
    if check not in question_checks:
        question_checks.append(check)
    return check


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
            if question.get("diarium_title") and question.get("type") != "single_choice":
                # The register keeps its description after the purge and shows
                # it on the web: only texts the e-service defines go there.
                messages.append(
                    _(
                        "Frågan %(id)s: bara ett enkelval kan ge beskrivningen i diariet "
                        "(diarium_title), inte invånarens egen text."
                    )
                    % {"id": qid}
                )
            for check in question_checks:
                messages.extend(check(question))
            seen[qid] = question
    for number, receipt_text in enumerate(data.get("receipt_texts", []), start=1):
        owner = _("kvittotext %(number)s") % {"number": number}
        _check_condition(receipt_text.get("visible_if"), seen, owner, messages)
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
    receipt_texts = tuple(
        ReceiptText(text=r["text"], visible_if=Condition.from_json(r.get("visible_if")))
        for r in data.get("receipt_texts", [])
    )
    return _mark_contact_questions(
        FormDefinition(
            steps=tuple(steps),
            receipt_texts=receipt_texts,
            confirmation_email=data.get("confirmation_email", True),
        )
    )


# What makes a question one about who the resident is or how to reach them:
# it is never asked of (nor kept for) an anonymous sender.
PERSONAL_TYPES = {"personnummer", "contact", "email", "phone", "address"}
PERSONAL_AUTOCOMPLETE = {
    "name",
    "given-name",
    "family-name",
    "email",
    "tel",
    "street-address",
    "postal-code",
    "address-level2",
}
CONTACT_MARK = "about_contact"  # set by parse_form, never written in the JSON


def is_personal(question: Question) -> bool:
    """A question about who the resident is or how to reach them."""
    return (
        question.type in PERSONAL_TYPES
        or question.options.get("autocomplete") in PERSONAL_AUTOCOMPLETE
        or bool(question.options.get("personal"))
        or question.prefill is not None
        or bool(question.options.get("from_login"))
        or bool(question.options.get(CONTACT_MARK))
    )


def _mark_contact_questions(form: FormDefinition) -> FormDefinition:
    """A question whose answer only decides which personal questions are
    asked ("Hur vill du få svar?" deciding between e-mail, phone and letter;
    "Vill du ha svar?" opening the contact step) is about contact too: mark
    it, so that an anonymous sender is not asked it either."""
    dependents: dict[str, set[str]] = {}
    for step in form.steps:
        for question in step.questions:
            for condition in (question.visible_if, question.required_if, step.visible_if):
                if condition is not None and question.type not in _NO_ANSWER:
                    dependents.setdefault(condition.question, set()).add(question.id)
    personal = {q.id for q in form.questions() if is_personal(q)}
    direct = set(personal)
    changed = True
    while changed:
        changed = False
        for question in form.questions():
            wanted = dependents.get(question.id)
            if question.id not in personal and wanted and wanted <= personal:
                personal.add(question.id)
                changed = True
    marked = personal - direct
    if not marked:
        return form
    return replace(
        form,
        steps=tuple(
            replace(
                step,
                questions=tuple(
                    replace(q, options={**q.options, CONTACT_MARK: True}) if q.id in marked else q
                    for q in step.questions
                ),
            )
            for step in form.steps
        ),
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
