"""What a submission is, computed once: every step of the pipeline (the
case row, the register, bookings, the e-mail, signing) reads these facts
instead of walking the answers again."""

from dataclasses import dataclass
from typing import Any

from etjanst.diarium.registration import describe_case
from etjanst.eservices.conditions import ANONYMOUS_KEY, visible_answers
from etjanst.eservices.engine import FormProblem, validate_answers
from etjanst.eservices.models import EServiceVersion
from etjanst.eservices.prefilled import PrefillMarks
from etjanst.eservices.presentation import answers_digest, confirmation_email
from etjanst.people.models import Resident


@dataclass(frozen=True)
class CaseFacts:
    version: EServiceVersion
    answers: dict[str, Any]  # only the visible answers: what the case keeps
    problems: list[FormProblem]
    anonymous: bool
    protected_identity: bool
    owner: Resident | None  # None when anonymous, whoever is logged in
    sender_name: str
    sender_personnummer: str
    attachment_ids: list[str]
    confirmation_email: str | None
    description: str
    digest: str  # what a signature must cover
    has_bookings: bool

    @classmethod
    def of(
        cls, *, version: EServiceVersion, answers: dict[str, Any], owner: Resident | None = None
    ) -> "CaseFacts":
        form = version.definition
        kept = visible_answers(form, answers)
        anonymous = bool(kept.get(ANONYMOUS_KEY))
        if anonymous:
            owner = None  # the rule: an anonymous case has no link to a person
        sender_name, sender_personnummer = ("", "") if anonymous else _sender(form, kept, owner)
        return cls(
            version=version,
            answers=kept,
            problems=validate_answers(form, answers, kept=kept),
            anonymous=anonymous,
            protected_identity=(PrefillMarks.of(answers).protected or _protects(form, kept))
            and not anonymous,
            owner=owner,
            sender_name=sender_name,
            sender_personnummer=sender_personnummer,
            attachment_ids=attachment_ids(kept),
            confirmation_email=confirmation_email(form, kept),
            description=describe_case(version.eservice, form, kept),
            digest=answers_digest(kept),
            has_bookings=any(q.type == "booking" for q in form.questions()),
        )

    def is_signed_by(self, signature: dict | None) -> bool:
        return signature is not None and signature.get("answers_digest") == self.digest


def _sender(form, answers: dict, owner: Resident | None) -> tuple[str, str]:
    """Who sent the case, for staff search and the register: the login, or
    else the first personnummer and name in the answers."""
    name = owner.name if owner else ""
    personnummer = (owner.personnummer or "") if owner else ""
    for question in form.questions():
        value = answers.get(question.id)
        if not value:
            continue
        if question.type == "personnummer" and not personnummer:
            personnummer = str(value)  # the question type stores it as 12 digits
        if question.type == "contact" and not name and isinstance(value, dict):
            name = value.get("name", "")
    return name[:300], personnummer


def attachment_ids(answers: dict[str, Any]) -> list[str]:
    """The ids of the files the answers refer to."""
    return [
        f["id"]
        for value in answers.values()
        if isinstance(value, list)
        for f in value
        if isinstance(f, dict) and "id" in f
    ]


def _protects(form, kept: dict[str, Any]) -> bool:
    """An answer about someone with protected identity (a chosen child or
    their guardian) marks the case too."""
    return any(q.type_plugin.protects(kept[q.id]) for q in form.questions() if q.id in kept)
