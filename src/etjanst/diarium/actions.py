import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .constants import is_secrecy_ground
from .models import (
    Committee,
    DeliveryForm,
    DocumentRequest,
    RegistrationCounter,
    Release,
    RequestStatus,
    SecrecyMarking,
)

if TYPE_CHECKING:
    from .redaction import Review

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RegistrationNumber:
    committee: Committee
    year: int
    sequence: int

    def __str__(self) -> str:
        return self.committee.format_registration_number(year=self.year, number=self.sequence)


def allocate_registration_number(*, committee: Committee, at: datetime) -> RegistrationNumber:
    """Hand out the next number in the committee's series for the year of `at`.

    Must run inside the transaction that stores the registered document: the
    counter row stays locked until it commits, and a rollback gives the
    number back, so the series has no gaps."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_registration_number must run inside a transaction.")
    year = timezone.localtime(at).year
    table = RegistrationCounter._meta.db_table
    # One statement: create the year's counter or increment it. The row stays
    # locked until the surrounding transaction ends (PostgreSQL, SQLite ≥ 3.35).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (committee_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (committee_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [committee.pk, year],
        )
        (sequence,) = cursor.fetchone()
    return RegistrationNumber(committee=committee, year=year, sequence=sequence)


class RequestInvalid(Exception):
    """The request form is not filled in well enough; nothing was stored."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(errors)


def request_committee(wanted: str) -> Committee:
    """The committee whose registration number the request names, else the
    municipality's default (KS)."""
    from etjanst.cases.models import Case

    from .constants import DEFAULT_REQUEST_COMMITTEE_PREFIX
    from .queries import named_cases

    case = Case.objects.filter(named_cases(wanted)).select_related("committee").first()
    if case is not None:
        return case.committee
    committee = Committee.objects.filter(prefix=DEFAULT_REQUEST_COMMITTEE_PREFIX).first()
    return committee or Committee.objects.order_by("pk").first()


def submit_document_request(
    *,
    wanted: str,
    delivery: str,
    submission_key: uuid.UUID,
    contact_name: str = "",
    contact_email: str = "",
    contact_address: str = "",
) -> DocumentRequest:
    """Register a request for public documents. Nothing about who asks or
    why is required: contact details only where the answer needs them."""
    existing = DocumentRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    wanted = (wanted or "").strip()
    contact_name = (contact_name or "").strip()[:200]
    contact_email = (contact_email or "").strip()
    contact_address = (contact_address or "").strip()[:1000]
    errors = {}
    if not wanted:
        errors["wanted"] = _("Skriv vilken handling du vill ha, med diarienummer om du vet det.")
    elif len(wanted) > 5000:
        errors["wanted"] = _("Texten är för lång. Den får vara högst 5 000 tecken.")
    if delivery not in DeliveryForm.values:
        errors["delivery"] = _("Välj hur du vill få handlingen.")
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            errors["contact_email"] = _("Skriv e-postadressen som namn@exempel.se.")
    if errors:
        raise RequestInvalid(errors)
    with transaction.atomic():
        committee = request_committee(wanted)
        if committee is None:
            raise RequestInvalid({"wanted": _("Kommunen tar inte emot begäranden just nu.")})
        received_at = timezone.now()
        number = allocate_registration_number(committee=committee, at=received_at)
        request = DocumentRequest.objects.create(
            committee=committee,
            registration_year=number.year,
            registration_sequence=number.sequence,
            registration_number=str(number),
            received_at=received_at,
            wanted=wanted,
            delivery=delivery,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_address=contact_address,
            submission_key=submission_key,
        )
    logger.info("Document request %s received", request.registration_number)
    return request


def close_request(*, request: DocumentRequest) -> DocumentRequest:
    DocumentRequest.objects.filter(pk=request.pk).update(
        status=RequestStatus.DONE, closed_at=timezone.now()
    )
    request.refresh_from_db()
    return request


def mark_secret(*, case, question_id: str, ground: str, staff_user) -> SecrecyMarking:
    """Flag a case (empty question id) or one answer as secret."""
    if not is_secrecy_ground(ground):
        raise ValueError(ground)
    marking, _created = SecrecyMarking.objects.update_or_create(
        case=case,
        question_id=question_id,
        defaults={"ground": ground, "set_by": staff_user, "set_at": timezone.now()},
    )
    return marking


def unmark_secret(*, case, question_id: str) -> None:
    SecrecyMarking.objects.filter(case=case, question_id=question_id).delete()


@transaction.atomic
def release_documents(
    *, request: DocumentRequest, case, review: "Review", staff_user, role: str
) -> Release:
    """Answer a request for one case: the masked copy (and, when anything is
    masked or withheld, the written decision) as PDFs, logged append-only;
    the original is untouched. By e-mail, only the masked copy and the
    released files are sent."""
    from etjanst.audit.actions import record_access
    from etjanst.audit.models import AccessKind

    from . import tasks
    from .redaction import render_decision_pdf, render_masked_pdf

    masked, withheld, files = review.summary(case)
    release = Release(
        request=request,
        case_id=case.pk,
        registration_number=case.registration_number,
        at=timezone.now(),
        user_id=staff_user.pk,
        user_name=staff_user.get_full_name() or staff_user.get_username(),
        recipient=request.recipient,
        delivery=request.delivery,
        masked=masked,
        withheld=withheld,
        released_files=files,
    )
    release.masked_pdf.save(
        "maskerad.pdf", ContentFile(render_masked_pdf(case, review, request)), save=False
    )
    if masked or withheld:
        release.decision_pdf.save(
            "beslut.pdf", ContentFile(render_decision_pdf(release, request)), save=False
        )
    release.save()
    record_access(
        user=staff_user,
        role=role,
        case=case,
        kind=AccessKind.EXPORT,
        detail=f"Utlämnande {request.registration_number}",
    )
    if request.delivery == DeliveryForm.EMAIL and request.contact_email:
        release_id = release.pk
        transaction.on_commit(lambda: tasks.send_release_email.enqueue(release_id=release_id))
    return release


class SecrecyInvalid(Exception):
    """Some grounds are not grounds in the law; `errors` maps each question id
    ("" for the whole case) to the Swedish message. Nothing was changed."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(errors)


@transaction.atomic
def set_secrecy(*, case, grounds: dict[str, str], staff_user) -> None:
    """Make the case's secrecy markings exactly `grounds` (question id, or ""
    for the whole case → ground); an empty ground lifts a marking.
    SecrecyInvalid, and nothing changed, when a ground is not one."""
    errors = {
        question_id: _("Välj en sekretessgrund i listan.")
        for question_id, ground in grounds.items()
        if ground and not is_secrecy_ground(ground)
    }
    if errors:
        raise SecrecyInvalid(errors)
    for question_id, ground in grounds.items():
        if ground:
            current = SecrecyMarking.objects.filter(case=case, question_id=question_id).first()
            if current is None or current.ground != ground:
                mark_secret(
                    case=case, question_id=question_id, ground=ground, staff_user=staff_user
                )
        else:
            unmark_secret(case=case, question_id=question_id)
