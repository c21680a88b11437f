"""Answers laid out for people: the review page, the receipt, the PDF."""

from dataclasses import dataclass
from typing import Any

from .conditions import condition_holds, is_question_visible, visible_answers, visible_steps
from .formschema import FormDefinition, Question, Step
from .prefilled import PrefillMarks


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    text: str
    value: Any


@dataclass(frozen=True)
class StepSummary:
    step: Step
    number: int  # 1-based among the visible steps
    rows: list[AnswerRow]


def summarise(form: FormDefinition, answers: dict[str, Any]) -> list[StepSummary]:
    kept = visible_answers(form, answers)
    withheld = set(PrefillMarks.of(answers).withheld)
    summaries = []
    for number, step in enumerate(visible_steps(form, kept), start=1):
        rows = [
            AnswerRow(q, q.type_plugin.display(q, kept.get(q.id)), kept.get(q.id))
            for q in step.questions
            if q.type_plugin.has_answer and is_question_visible(q, kept) and q.id not in withheld
        ]
        summaries.append(StepSummary(step=step, number=number, rows=rows))
    return summaries


def receipt_texts(form: FormDefinition, answers: dict[str, Any]) -> list[str]:
    """The form's receipt texts whose condition holds for the answers sent
    (only answers to questions that were shown count)."""
    kept = visible_answers(form, answers)
    return [r.text for r in form.receipt_texts if condition_holds(r.visible_if, kept)]


def labelled_answers(form: FormDefinition, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers for an export a person reads: each question's label and
    the text shown for the answer beside its stored code, e.g.
    {"id": "korkort", "label": "Har du körkort?", "value": "yes", "text": "Ja"};
    a choice also names each chosen option ("chosen": [{"value", "text"}])."""
    result = []
    for summary in summarise(form, answers):
        for row in summary.rows:
            question = row.question
            item: dict[str, Any] = {
                "id": question.id,
                "step": summary.step.title,
                "label": question.label,
                "value": row.value,
                "text": row.text,
            }
            if question.choices:
                codes = row.value if isinstance(row.value, list) else [row.value]
                item["chosen"] = [
                    {"value": code, "text": question.choice_label(code)} for code in codes if code
                ]
            result.append(item)
    return result


def confirmation_email(form: FormDefinition, answers: dict[str, Any]) -> str | None:
    """The address to send the confirmation to: the first e-mail answer
    (none when the e-service's form turned the confirmation off)."""
    if not form.confirmation_email:
        return None
    for question in form.questions():
        value = answers.get(question.id)
        if question.type == "email" and value:
            return value
        if question.type == "contact" and value and value.get("email"):
            return value["email"]
    return None


def answers_digest(answers: dict[str, Any]) -> str:
    """SHA-256 of the answers in a canonical form: what a signature covers."""
    import hashlib
    import json

    canonical = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
