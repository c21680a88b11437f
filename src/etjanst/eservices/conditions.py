"""Conditions (`visible_if`, `required_if`) evaluated against answers. The
server decides; the browser script only mirrors the same rules live."""

from typing import Any

from .formschema import Condition, FormDefinition, Question, Step


def condition_holds(condition: Condition | None, answers: dict[str, Any]) -> bool:
    if condition is None:
        return True
    answer = answers.get(condition.question)
    if condition.operator == "checked":
        return is_checked(answer) == bool(condition.value)
    if isinstance(answer, list):  # multiple choice: "equals" means "contains"
        if condition.operator == "equals":
            return _text(condition.value) in answer
        if condition.operator == "not_equals":
            return _text(condition.value) not in answer
        return any(_text(v) in answer for v in condition.value)
    if condition.operator == "equals":
        return _text(answer) == _text(condition.value)
    if condition.operator == "not_equals":
        return _text(answer) != _text(condition.value)
    return _text(answer) in {_text(v) for v in condition.value}


def is_checked(answer: Any) -> bool:
    """A ticked box, a chosen option, an attached file, a yes; not a no."""
    return answer not in (None, False, "", "no", [], {})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def is_step_visible(step: Step, answers: dict[str, Any]) -> bool:
    return condition_holds(step.visible_if, answers)


def is_question_visible(question: Question, answers: dict[str, Any]) -> bool:
    return condition_holds(question.visible_if, answers)


def is_question_required(question: Question, answers: dict[str, Any]) -> bool:
    if question.required_if is not None:
        return condition_holds(question.required_if, answers)
    return question.required


def visible_steps(form: FormDefinition, answers: dict[str, Any]) -> list[Step]:
    return [step for step in form.steps if is_step_visible(step, answers)]


def visible_answers(form: FormDefinition, answers: dict[str, Any]) -> dict[str, Any]:
    """Only the answers to questions that are visible given the answers.

    Walks in form order, so a hidden question's answer cannot keep a later
    question visible."""
    kept: dict[str, Any] = {}
    for step in form.steps:
        if not is_step_visible(step, kept):
            continue
        for question in step.questions:
            if question.id in answers and is_question_visible(question, kept):
                kept[question.id] = answers[question.id]
    return kept
