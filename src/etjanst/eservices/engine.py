"""Validating what a resident sends for one step, and a whole form before
it is submitted. Pure: stores nothing (see cases.actions for that)."""

from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict
from django.utils.translation import gettext as _

from .conditions import (
    is_question_required,
    is_question_visible,
    visible_answers,
    visible_steps,
)
from .formschema import FormDefinition, Question, Step
from .prefilled import PrefillMarks
from .questions import AnswerError


@dataclass
class StepResult:
    step: Step
    # Cleaned answers of this step's visible questions (files as FileAnswer).
    answers: dict[str, Any] = field(default_factory=dict)
    # What was sent, to show again when there are errors.
    raw: dict[str, Any] = field(default_factory=dict)
    # question id -> {part: message}
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    # Questions shown given the answers (all others are hidden and dropped).
    visible: set[str] = field(default_factory=set)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def validate_step(
    form: FormDefinition,
    step: Step,
    *,
    data: QueryDict,
    files: dict[str, list[UploadedFile]],
    answers: dict[str, Any],
) -> StepResult:
    """Parse and validate one step's POST against the answers given so far.

    Conditions are decided here, on the server, in form order: a question's
    visibility can depend on an earlier question in the same step. Answers
    locked by a register prefill cannot be changed by what is sent, and a
    question withheld for a person with protected identity takes no answer."""
    result = StepResult(step=step)
    marks = PrefillMarks.of(answers)
    context = {k: v for k, v in answers.items() if k not in {q.id for q in step.questions}}
    for question in step.questions:
        plugin = question.type_plugin
        if not is_question_visible(question, context):
            continue
        result.visible.add(question.id)
        if not plugin.has_answer or question.id in marks.withheld:
            continue
        raw = marks.enforce(question, plugin.raw_value(question, data, files))
        result.raw[question.id] = raw
        try:
            value = plugin.clean(
                question,
                raw,
                required=is_question_required(question, context),
                existing=answers.get(question.id),
            )
            _check_allowed(question, value, marks)
            value = marks.resolve(question, value)
        except AnswerError as exc:
            result.errors[question.id] = exc.messages
            context[question.id] = raw if isinstance(raw, str | list) else None
            continue
        if not plugin.is_empty(value):
            result.answers[question.id] = value
            context[question.id] = value
    return result


def _check_allowed(question: Question, value: Any, marks: PrefillMarks) -> None:
    allowed = marks.allowed(question)
    if allowed is not None and value is not None and value not in allowed:
        raise AnswerError(
            question.type_plugin.not_allowed_message or _("Välj ett av alternativen i listan.")
        )


def visible_questions(step: Step, answers: dict[str, Any]) -> set[str]:
    """The ids of the step's questions shown given the stored answers."""
    context = {k: v for k, v in answers.items() if k not in {q.id for q in step.questions}}
    shown = set()
    for question in step.questions:
        if is_question_visible(question, context):
            shown.add(question.id)
            if question.id in answers:
                context[question.id] = answers[question.id]
    return shown


@dataclass
class FormProblem:
    step: Step
    question: Question
    messages: dict[str, str]
    number: int = 0  # the step's number among the visible steps, for links


def validate_answers(
    form: FormDefinition, answers: dict[str, Any], *, kept: dict[str, Any] | None = None
) -> list[FormProblem]:
    """Check stored answers once more before submitting: every visible
    required question answered, every answer still valid. `kept` is the
    visible answers when the caller has them already."""
    kept = visible_answers(form, answers) if kept is None else kept
    withheld = set(PrefillMarks.of(answers).withheld)
    problems = []
    for step in visible_steps(form, kept):
        for question in step.questions:
            plugin = question.type_plugin
            if not plugin.has_answer or not is_question_visible(question, kept):
                continue
            if question.id in withheld:
                continue
            value = kept.get(question.id)
            required = is_question_required(question, kept)
            if question.type == "file":
                if required and not value:
                    problems.append(FormProblem(step, question, {"": _("Bifoga en fil.")}))
                continue
            try:
                plugin.clean(question, _as_raw(question, value), required=required)
            except AnswerError as exc:
                problems.append(FormProblem(step, question, exc.messages))
    return problems


def _as_raw(question: Question, value: Any) -> Any:
    """Turn a stored answer back into what a POST would have carried."""
    if value is None:
        return [] if question.type == "multiple_choice" else ""
    if question.type == "confirmation":
        return "on" if value else ""
    if question.type == "number":
        return str(value)
    return value


def answers_from_login(
    form: FormDefinition, *, personnummer: str | None, name: str
) -> dict[str, Any]:
    """Starting answers for questions marked `from_login`: the logged-in
    person's personnummer (none from a foreign e-ID) and name. The resident
    can still change them."""
    answers: dict[str, Any] = {}
    for question in form.questions():
        if not question.options.get("from_login"):
            continue
        if question.type == "personnummer":
            if personnummer:
                answers[question.id] = personnummer
        elif question.type == "contact":
            answers[question.id] = {"name": name}
        elif question.type == "short_text":
            answers[question.id] = name
    return answers
