"""Conditions (`visible_if`, `required_if`) evaluated against answers. The
server decides; the browser script only mirrors the same rules live."""

from typing import Any

from .formschema import Condition, FormDefinition, Question, Step, is_personal

# Set in a form's answers when the resident chose to be anonymous: questions
# about who they are are then neither asked nor kept.
ANONYMOUS_KEY = "_anonymous"


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
    if answers.get(ANONYMOUS_KEY):
        answerable = [q for q in step.questions if q.type_plugin.has_answer]
        if answerable and all(is_personal(q) for q in answerable):
            return False  # e.g. "Dina kontaktuppgifter": nothing left to ask
    return condition_holds(step.visible_if, answers)


def is_question_visible(question: Question, answers: dict[str, Any]) -> bool:
    if answers.get(ANONYMOUS_KEY) and is_personal(question):
        return False
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
    # The anonymity choice is kept: it decides what is visible, everywhere.
    kept: dict[str, Any] = {ANONYMOUS_KEY: True} if answers.get(ANONYMOUS_KEY) else {}
    for step in form.steps:
        if not is_step_visible(step, kept):
            continue
        for question in step.questions:
            if question.id in answers and is_question_visible(question, kept):
                kept[question.id] = answers[question.id]
    return kept
