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
    """Raise ValidationError with readable Swedish messages if the form is bad."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise ValidationError(
            [
                _("Fel i formuläret vid %(path)s: %(message)s")
                % {
                    "path": "/".join(str(p) for p in e.absolute_path) or "(roten)",
                    "message": e.message,
                }
                for e in errors[:10]
            ]
        )
    messages = []
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
            _check_prefill(question, messages)
            _check_booking(question, messages)
            seen[qid] = question
    if messages:
        raise ValidationError(messages)


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
    return FormDefinition(steps=tuple(steps))
