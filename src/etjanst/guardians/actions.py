"""Writes for the other guardians' signatures: asking for them when the
first guardian sends (called from the submission pipeline, in its
transaction), signing and saying no (each under a row lock, so two at once
cannot both count), and the deadline with its reminders (a scheduled task).
Every way out hands the case to staff: all signed, one said no, or the time
ran out — never silently dropped."""

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from etjanst.cases import tasks as case_tasks
from etjanst.cases.models import Case, CaseEvent, CaseParty
from etjanst.eservices.constants import GuardianSigning
from etjanst.eservices.formschema import FormDefinition
from etjanst.eservices.presentation import answers_digest, confirmation_email

from . import tasks
from .models import GuardianSignature, SignatureState

logger = logging.getLogger(__name__)

MAX_MESSAGE = 2000


class SigningRefused(Exception):
    """The signature (or no) cannot be given; `message` says why, in Swedish.
    Nothing was changed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def signing_days() -> int:
    return int(getattr(settings, "ETJANST_GUARDIAN_SIGNING_DAYS", 14))


def remind_days() -> int:
    return int(getattr(settings, "ETJANST_GUARDIAN_REMIND_DAYS", 3))


# -- when the first guardian sends ---------------------------------------------


def cosigners(
    *, guardian_signing: str, form: FormDefinition, answers: dict[str, Any], sender: str
) -> list[dict]:
    """The other guardians who must sign, from the chosen child's answer (as
    the register gave them): none for sole custody, and none who lives at
    the sender's address when the e-service skips those."""
    if not guardian_signing:
        return []
    found: dict[str, dict] = {}
    for question in form.questions():
        answer = answers.get(question.id)
        if question.type != "child" or not isinstance(answer, dict):
            continue
        for guardian in answer.get("guardians", []):
            if guardian["personnummer"] == sender:
                continue
            if guardian_signing == GuardianSigning.UNLESS_TOGETHER and guardian.get("same_address"):
                continue
            found.setdefault(guardian["personnummer"], guardian)
    return list(found.values())


def request_signatures(*, case: Case, guardians: list[dict]) -> list[GuardianSignature]:
    """Ask each guardian to sign (inside the pipeline's transaction). Each
    becomes a party to the case and is told by e-mail where one is known."""
    deadline = case.received_at + datetime.timedelta(days=signing_days())
    made = []
    for guardian in guardians:
        email = known_email(guardian["personnummer"])
        made.append(
            GuardianSignature.objects.create(
                case=case,
                personnummer=guardian["personnummer"],
                name=guardian["name"][:300],
                email=email,
                deadline=deadline,
            )
        )
        CaseParty.objects.get_or_create(
            case=case,
            personnummer=guardian["personnummer"],
            defaults={"name": guardian["name"][:300], "email": email},
        )
    for pk in [s.pk for s in made if s.email]:
        transaction.on_commit(lambda pk=pk: _tell(pk, "guardian_signature_request"))
    return made


def known_email(personnummer: str) -> str:
    """The e-mail address the person gave in their own latest case, if any:
    the register knows no e-mail addresses."""
    latest = (
        Case.objects.filter(owner__personnummer=personnummer, is_anonymous=False)
        .select_related("version")
        .order_by("-received_at")
        .first()
    )
    if latest is None:
        return ""
    return confirmation_email(latest.version.definition, latest.answers) or ""


def _tell(signature_id: int, template: str) -> None:
    tasks.tell_guardian.enqueue(signature_id=signature_id, template=template)


# -- the other guardian signs or says no ---------------------------------------


def signing_text(signature: GuardianSignature) -> dict:
    """What the guardian signs in the BankID app, and the digest of exactly
    the case's answers (sent along unseen)."""
    case = signature.case
    digest = answers_digest(case.answers)
    text = _(
        "# %(eservice)s\n\nJag, %(name)s, är vårdnadshavare och skriver under ärende "
        "%(number)s till %(committee)s.\n\nKontrollsumma för svaren: %(digest)s"
    ) % {
        "eservice": case.eservice.name,
        "name": signature.name,
        "number": case.registration_number,
        "committee": case.committee.name,
        "digest": digest[:16],
    }
    return {
        "text": text,
        "digest": digest,
        "context": {
            "eservice": case.eservice.slug,
            "submission_key": submission_key(signature),
            "answers_digest": digest,
            "user_visible_data": text,
        },
    }


def submission_key(signature: GuardianSignature) -> str:
    """Names the signing order: a BankID signature made for one request
    cannot be used for another."""
    return f"guardian-{signature.pk}"


def _locked(signature_id: int, personnummer: str) -> GuardianSignature:
    """The request under a row lock, checked against who asks and its state."""
    # of=("self",): lock the request only, not the case it joins (else an
    # officer changing the case waits for a guardian on PostgreSQL). Two
    # guardians of one case still take turns: `sign` locks the case
    # (`_renew_receipt`) before it counts who is still waiting.
    signature = (
        GuardianSignature.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(pk=signature_id)
        .first()
    )
    if signature is None or signature.personnummer != personnummer:
        if signature is not None and signature.case.sender_personnummer == personnummer:
            raise SigningRefused(_("Du har redan skrivit under ärendet när du skickade in det."))
        raise SigningRefused(
            _(
                "Ärendet väntar inte på din underskrift. Bara den vårdnadshavare som "
                "folkbokföringen anger kan skriva under."
            )
        )
    if signature.state == SignatureState.SIGNED:
        raise SigningRefused(_("Du har redan skrivit under ärendet."))
    if signature.state == SignatureState.REJECTED:
        raise SigningRefused(
            _("Du har redan sagt nej till att skriva under. Ärendet har gått vidare till kommunen.")
        )
    if signature.state == SignatureState.EXPIRED or signature.deadline <= timezone.now():
        raise SigningRefused(
            _(
                "Tiden för att skriva under gick ut %(date)s. Ärendet har gått vidare till "
                "kommunen utan din underskrift."
            )
            % {"date": date_format(timezone.localtime(signature.deadline), "j F Y")}
        )
    if not signature.case.awaiting_signatures:
        raise SigningRefused(
            _("Ärendet väntar inte längre på underskrifter. Det har gått vidare till kommunen.")
        )
    return signature


@transaction.atomic
def sign(*, signature_id: int, person, signed: dict) -> GuardianSignature:
    """The guardian named by the register signs with their own e-ID. The
    BankID signature must be theirs and cover exactly the case's answers."""
    signature = _locked(signature_id, person.personnummer or "")
    if (
        signed.get("personnummer") != signature.personnummer
        or signed.get("submission_key") != submission_key(signature)
        or signed.get("answers_digest") != answers_digest(signature.case.answers)
    ):
        raise SigningRefused(
            _("Underskriften gäller inte det här ärendet. Skriv under igen med ditt BankID.")
        )
    now = timezone.now()
    signature.state, signature.decided_at, signature.signature = SignatureState.SIGNED, now, signed
    signature.save(update_fields=["state", "decided_at", "signature"])
    # This locks the case row until the commit: a second guardian signing
    # at once waits here, then counts this signature as given below.
    _renew_receipt(signature.case)
    if not GuardianSignature.objects.filter(case=signature.case).waiting().exists():
        _hand_over(signature.case, CaseEvent.Kind.GUARDIANS_SIGNED, now)
    return signature


def _renew_receipt(case: Case) -> None:
    """The receipt PDF shows every signature: the one made before this one
    is replaced (after the commit). Locks the case row: two guardians
    signing at once take turns from here (see `sign`)."""
    old = (
        Case.objects.select_for_update()
        .filter(pk=case.pk)
        .values_list("receipt_pdf", flat=True)
        .first()
    )
    Case.objects.filter(pk=case.pk).update(receipt_pdf="")
    case_id = case.pk

    def renew() -> None:
        if old:
            Case._meta.get_field("receipt_pdf").storage.delete(old)
        case_tasks.render_receipt_pdf.enqueue(case_id=case_id)

    transaction.on_commit(renew)


@transaction.atomic
def reject(*, signature_id: int, person, message: str = "") -> GuardianSignature:
    """The guardian says no, with an optional message to the officer. The
    case goes to staff marked as not signed by every guardian."""
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise SigningRefused(
            _("Meddelandet får vara högst %(max)d tecken långt.") % {"max": MAX_MESSAGE}
        )
    signature = _locked(signature_id, person.personnummer or "")
    now = timezone.now()
    signature.state, signature.decided_at, signature.message = SignatureState.REJECTED, now, message
    signature.save(update_fields=["state", "decided_at", "message"])
    _hand_over(signature.case, CaseEvent.Kind.GUARDIAN_REJECTED, now)
    return signature


def _hand_over(case: Case, kind: str, at) -> None:
    """The case stops waiting and goes to staff as a new case (conditional
    UPDATE: only the first of two handing over at once does it)."""
    if not Case.objects.filter(pk=case.pk, awaiting_signatures=True).update(
        awaiting_signatures=False
    ):
        return
    CaseEvent.objects.create(case=case, kind=kind, at=at)
    case_id = case.pk
    transaction.on_commit(lambda: case_tasks.notify_officers.enqueue(case_id=case_id))


# -- deadline and reminders (scheduled) ----------------------------------------


def expire_and_remind(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Requests past their deadline run out (the case goes to staff marked
    so); those close to it get one reminder where an e-mail is known.
    Returns (expired, reminded)."""
    now = now or timezone.now()
    expired = 0
    for pk in (
        GuardianSignature.objects.waiting().filter(deadline__lte=now).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            signature = (
                GuardianSignature.objects.select_for_update()
                .waiting()
                .filter(pk=pk)
                .select_related("case")
                .first()
            )
            if signature is None:  # signed or said no a moment ago
                continue
            signature.state, signature.decided_at = SignatureState.EXPIRED, now
            signature.save(update_fields=["state", "decided_at"])
            _hand_over(signature.case, CaseEvent.Kind.GUARDIAN_DEADLINE, now)
            expired += 1
    soon = now + datetime.timedelta(days=remind_days())
    reminded = 0
    due = GuardianSignature.objects.waiting().filter(
        deadline__gt=now, deadline__lte=soon, reminded_at__isnull=True
    )
    for pk in due.exclude(email="").values_list("pk", flat=True):
        # Marked before sending: a crash never sends the same reminder twice.
        if GuardianSignature.objects.filter(pk=pk, reminded_at__isnull=True).update(
            reminded_at=now
        ):
            transaction.on_commit(lambda pk=pk: _tell(pk, "guardian_signature_reminder"))
            reminded += 1
    return expired, reminded
