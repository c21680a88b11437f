"""Writes to cases: saving a step's answers (and its files) while a form is
filled in, and submitting it as a case."""

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.diarium.actions import allocate_registration_number
from etjanst.diarium.registration import describe_case, preset_secrecy
from etjanst.eservices.conditions import ANONYMOUS_KEY, visible_answers
from etjanst.eservices.engine import StepResult, validate_answers, validate_step
from etjanst.eservices.formschema import Step
from etjanst.eservices.models import EServiceVersion
from etjanst.eservices.prefilled import PrefillMarks
from etjanst.eservices.presentation import answers_digest, confirmation_email
from etjanst.eservices.questions.types import FileAnswer
from etjanst.people.models import Resident

from .models import Attachment, Case, CaseEvent, CaseNote, Draft, Status, StatusKind
from .statuses import ensure_default_statuses

logger = logging.getLogger(__name__)


class SignatureMissing(Exception):
    """The e-service requires a signature of exactly these answers."""


class SubmissionInvalid(Exception):
    """The answers are not complete or no longer valid; nothing was stored."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        super().__init__(problems)


def record_step(
    *,
    version: EServiceVersion,
    step: Step,
    data: QueryDict,
    files: dict[str, list[UploadedFile]],
    answers: dict[str, Any],
    upload_owner: str,
) -> StepResult:
    """Validate one step and, only if all of it is valid, store its new files.

    Returns the step's answers ready to keep with the form (files as lists of
    attachment references). Invalid input stores nothing."""
    form = version.definition
    result = validate_step(form, step, data=data, files=files, answers=answers)
    if not result.is_valid:
        return result
    file_answers = {qid: v for qid, v in result.answers.items() if isinstance(v, FileAnswer)}
    if file_answers:
        _check_total_size(version, step, answers, file_answers, result)
        if not result.is_valid:
            return result
    if upload_owner and any(q.type == "booking" for q in step.questions):
        from etjanst.bookings.actions import hold_for_step

        taken = hold_for_step(form=form, step=step, answers=result.answers, hold_key=upload_owner)
        for qid, message in taken.items():
            result.errors[qid] = {"": message}
        if taken:
            return result
    for question in step.questions:
        if question.type != "file":
            continue
        previous = {f["id"] for f in answers.get(question.id) or []}
        answer = file_answers.get(question.id, FileAnswer())
        kept_ids = {f["id"] for f in answer.kept}
        _delete_pending(upload_owner, previous - kept_ids)
        stored = [
            _store_upload(upload, kind, question_id=question.id, owner=upload_owner)
            for upload, kind in answer.new
        ]
        if answer.kept or stored:
            result.answers[question.id] = answer.kept + stored
        else:
            result.answers.pop(question.id, None)
    return result


def _check_total_size(version, step, answers, file_answers, result) -> None:
    limit = version.eservice.max_attachments_total_mb * 1024 * 1024
    step_ids = {q.id for q in step.questions}
    total = sum(
        f["size"]
        for qid, files in answers.items()
        if qid not in step_ids and isinstance(files, list)
        for f in files
        if isinstance(f, dict) and "size" in f
    )
    for qid, answer in file_answers.items():
        total += sum(f["size"] for f in answer.kept) + sum(u.size for u, _k in answer.new)
        if total > limit:
            result.errors[qid] = {
                "": _(
                    "Bilagorna blir för stora tillsammans. Ärendet får ha bilagor på högst "
                    "%(max)s sammanlagt."
                )
                % {"max": filesizeformat(limit)}
            }


def _store_upload(upload: UploadedFile, kind, *, question_id: str, owner: str) -> dict:
    attachment = Attachment(
        upload_owner=owner,
        question_id=question_id,
        original_name=safe_file_name(upload.name or "fil", kind.extension),
        content_type=kind.mime_type,
        size=upload.size,
    )
    upload.seek(0)
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment.as_answer()


def safe_file_name(name: str, extension: str) -> str:
    """A display name without path parts or control characters, with the
    extension of what the file really is."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')[:200]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return f"{stem or 'fil'}.{extension}"


def _delete_pending(owner: str, ids: set[str]) -> None:
    if not ids:
        return
    for attachment in Attachment.objects.pending_for(owner).filter(pk__in=ids):
        attachment.file.delete(save=False)
        attachment.delete()


def submit_case(
    *,
    version: EServiceVersion,
    answers: dict[str, Any],
    upload_owner: str,
    submission_key: uuid.UUID,
    signature: dict | None = None,
    owner: Resident | None = None,
    draft: Draft | None = None,
) -> Case:
    """Turn the answers into a registered case, in one transaction. A case
    with an owner shows under the owner's Mina sidor; the draft it was
    continued from, if any, is deleted with it.

    The same submission key always gives the same case, so a double click or
    a replayed POST never makes two."""
    existing = Case.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    form = version.definition
    problems = validate_answers(form, answers)
    if problems:
        raise SubmissionInvalid(problems)
    kept = visible_answers(form, answers)
    anonymous = bool(kept.get(ANONYMOUS_KEY))
    if anonymous:
        owner = None  # whoever is logged in: no link to the person
    signed = signature is not None and signature.get("answers_digest") == answers_digest(kept)
    if version.eservice.requires_signing and not signed:
        raise SignatureMissing
    try:
        case = _create_case(
            version=version,
            answers=kept,
            upload_owner=upload_owner,
            key=submission_key,
            signature=signature,
            owner=owner,
            draft=draft,
            protected_identity=PrefillMarks.of(answers).protected and not anonymous,
            anonymous=anonymous,
        )
    except IntegrityError:
        # Another request with the same key won the race.
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    logger.info("Case %s received (e-service %s)", case.registration_number, version.eservice.slug)
    return case


@transaction.atomic
def _create_case(
    *,
    version: EServiceVersion,
    answers: dict,
    upload_owner: str,
    key,
    signature: dict | None,
    owner: Resident | None,
    draft: Draft | None,
    protected_identity: bool = False,
    anonymous: bool = False,
) -> Case:
    from . import tasks

    eservice = version.eservice
    received_at = timezone.now()
    status = first_status(eservice)
    number = allocate_registration_number(committee=eservice.committee, at=received_at)
    case = Case.objects.create(
        eservice=eservice,
        version=version,
        committee=number.committee,
        registration_year=number.year,
        registration_sequence=number.sequence,
        registration_number=str(number),
        received_at=received_at,
        answers=answers,
        submission_key=key,
        signature=signature,
        owner=owner,
        status=status,
        status_changed_at=received_at,
        **({} if anonymous else _sender(version.definition, answers, owner)),
        protected_identity=protected_identity,
        is_anonymous=anonymous,
        description=describe_case(eservice, version.definition, answers),
    )
    preset_secrecy(case)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RECEIVED, status=status, at=received_at)
    file_ids = attachment_ids(answers)
    if file_ids:
        Attachment.objects.pending_for(upload_owner).filter(pk__in=file_ids).update(
            case=case, upload_owner="", draft=None
        )
        if anonymous:
            from .anonymity import strip_file_metadata

            strip_file_metadata(case)
    if draft is not None:
        # Files the final answers no longer hold go with the other abandoned
        # uploads (purge_abandoned_uploads).
        Draft.objects.filter(pk=draft.pk).delete()
    if any(q.type == "booking" for q in version.definition.questions()):
        from etjanst.bookings.actions import confirm_for_case

        confirm_for_case(
            case=case,
            form=version.definition,
            answers=answers,
            hold_key=upload_owner,
            email=confirmation_email(version.definition, answers) or "",
        )
    case_id = case.pk
    transaction.on_commit(lambda: tasks.render_receipt_pdf.enqueue(case_id=case_id))
    transaction.on_commit(lambda: tasks.notify_officers.enqueue(case_id=case_id))
    if confirmation_email(version.definition, answers):
        # The resident waits for the e-mail; the PDF is also made on request.
        transaction.on_commit(
            lambda: tasks.send_confirmation_email.using(priority=10).enqueue(case_id=case_id)
        )
    return case


def _sender(form, answers: dict, owner: Resident | None) -> dict:
    """Who sent the case, for staff search and the register: the login, or
    else the first personnummer and name in the answers."""
    name = owner.name if owner else ""
    personnummer = (owner.personnummer or "") if owner else ""
    for question in form.questions():
        value = answers.get(question.id)
        if not value:
            continue
        if question.type == "personnummer" and not personnummer:
            personnummer = "".join(ch for ch in str(value) if ch.isdigit())[:12]
        if question.type == "contact" and not name and isinstance(value, dict):
            name = value.get("name", "")
    return {"sender_name": name[:300], "sender_personnummer": personnummer}


def attachment_ids(answers: dict[str, Any]) -> list[str]:
    """The ids of the files the answers refer to."""
    return [
        f["id"]
        for value in answers.values()
        if isinstance(value, list)
        for f in value
        if isinstance(f, dict) and "id" in f
    ]


def purge_abandoned_uploads(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Delete files of forms that were never sent (the browser session is long
    gone). They were never received, so they are not public documents."""
    cutoff = timezone.now() - older_than
    attachments = list(
        Attachment.objects.filter(
            case__isnull=True, draft__isnull=True, message__isnull=True, created_at__lt=cutoff
        )
    )
    for attachment in attachments:
        attachment.file.delete(save=False)
        attachment.delete()
    if attachments:
        logger.info("Purged %d abandoned uploads", len(attachments))
    return len(attachments)


def discard_pending_uploads(*, upload_owner: str) -> int:
    """Delete the files of a form that is abandoned or started over (not
    those kept with a saved draft)."""
    from etjanst.bookings.actions import release_holds

    release_holds(hold_key=upload_owner)
    attachments = list(Attachment.objects.pending_for(upload_owner).filter(draft__isnull=True))
    for attachment in attachments:
        attachment.file.delete(save=False)
        attachment.delete()
    return len(attachments)


def first_status(eservice) -> Status:
    """The status a new case of the e-service gets."""
    for _attempt in range(2):
        statuses = Status.objects.for_eservice(eservice).order_by("order")
        status = statuses.filter(kind=StatusKind.SUBMITTED).first() or statuses.first()
        if status is not None:
            return status
        ensure_default_statuses()
    raise Status.DoesNotExist("No statuses")


class TransitionNotAllowed(Exception):
    """The case's current status may not be followed by the one asked for."""


class ChangedMeanwhile(Exception):
    """Someone else changed the case since the page was read: nothing was
    done, the officer reads it again."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Någon annan har ändrat ärendet sedan du öppnade det. Ingenting ändrades. "
                "Se över ärendet och försök igen."
            )
        )


def _lock(case: Case, expected_version: int | None) -> Case:
    locked = Case.objects.select_for_update().select_related("status").get(pk=case.pk)
    if expected_version is not None and locked.lock_version != expected_version:
        raise ChangedMeanwhile
    return locked


@transaction.atomic
def transition_case(
    *, case: Case, to: Status, staff_user=None, expected_version: int | None = None
) -> Case:
    """Move a case to another status, only along an allowed transition. The
    one place the statuses' rules are enforced."""
    locked = _lock(case, expected_version)
    if not locked.status.next_statuses.filter(pk=to.pk).exists():
        raise TransitionNotAllowed(
            _("Ärendet kan inte gå från %(from)s till %(to)s.")
            % {"from": locked.status.name, "to": to.name}
        )
    now = timezone.now()
    locked.status, locked.status_changed_at = to, now
    locked.lock_version += 1
    locked.save(update_fields=["status", "status_changed_at", "lock_version"])
    CaseEvent.objects.create(
        case=locked, kind=CaseEvent.Kind.STATUS, status=to, at=now, staff_user=staff_user
    )
    return locked


@transaction.atomic
def assign_case(*, case: Case, to, staff_user, expected_version: int | None = None) -> Case:
    """Give the case to an officer (or to nobody, with `to=None`)."""
    locked = _lock(case, expected_version)
    if to is not None:
        from etjanst.people.access import may_handle

        if not may_handle(to, locked):
            raise TransitionNotAllowed(_("Den personen kan inte handlägga det här ärendet."))
    locked.assigned_to = to
    locked.lock_version += 1
    locked.save(update_fields=["assigned_to", "lock_version"])
    CaseEvent.objects.create(
        case=locked, kind=CaseEvent.Kind.ASSIGNED, staff_user=staff_user, visible_to_resident=False
    )
    return locked


def add_note(*, case: Case, staff_user, body: str) -> CaseNote:
    """An internal note (never shown to the resident)."""
    body = (body or "").strip()
    if not body:
        raise NoteInvalid(_("Skriv en anteckning."))
    if len(body) > 10_000:
        raise NoteInvalid(_("Anteckningen är för lång. Den får vara högst 10 000 tecken."))
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=staff_user, body=body)
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.NOTE, staff_user=staff_user, visible_to_resident=False
        )
    return note


class NoteInvalid(Exception):
    pass


def record_export(*, case: Case, staff_user) -> None:
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.EXPORTED, staff_user=staff_user, visible_to_resident=False
    )
