"""What the register (diarium) records about a case at submission: a short
description, and the secrecy the e-service presets for its questions."""

from typing import Any

from django.db import transaction

from .models import SecrecyMarking

DESCRIPTION_MAX = 300


def describe_case(eservice, form, answers: dict[str, Any]) -> str:
    """The register's description: texts the e-service defines, never the
    resident's own words (the register keeps it after the purge, and shows
    it on the web). The e-service's register text (or its name), and the
    chosen option of a choice question marked `"diarium_title": true`."""
    text = eservice.register_description or eservice.name
    for question in form.questions():
        if question.options.get("diarium_title") and question.choices:
            value = answers.get(question.id)
            if isinstance(value, str) and value:
                text = f"{text}: {question.choice_label(value)}"
            break
    return text[:DESCRIPTION_MAX]


def secret_questions(form) -> dict[str, str]:
    """The questions the form marks as typically secret, with their ground."""
    return {
        q.id: q.options["secret"]["ground"]
        for q in form.questions()
        if isinstance(q.options.get("secret"), dict) and q.options["secret"].get("ground")
    }


def preset_secrecy(case) -> None:
    """Mark the answered questions the form says are typically secret."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("preset_secrecy must run inside the transaction that stores the case.")
    SecrecyMarking.objects.bulk_create(
        [
            SecrecyMarking(case=case, question_id=qid, ground=ground)
            for qid, ground in secret_questions(case.version.definition).items()
            if case.answers.get(qid) not in (None, "", [], {})
        ]
    )
