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
from etjanst.eservices.conditions import visible_answers
from etjanst.eservices.engine import StepResult, validate_answers, validate_step
from etjanst.eservices.formschema import Step
from etjanst.eservices.models import EServiceVersion
from etjanst.eservices.prefilled import PrefillMarks
from etjanst.eservices.presentation import answers_digest, confirmation_email
from etjanst.eservices.questions.types import FileAnswer

from .models import Attachment, Case

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
        original_name=_safe_name(upload.name or "fil", kind.extension),
        content_type=kind.mime_type,
        size=upload.size,
    )
    upload.seek(0)
    attachment.file.save("upload", upload, save=False)
    attachment.save()
    return attachment.as_answer()


def _safe_name(name: str, extension: str) -> str:
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
) -> Case:
    """Turn the answers into a registered case, in one transaction.

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
            protected_identity=PrefillMarks.of(answers).protected,
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
    protected_identity: bool = False,
) -> Case:
    from . import tasks

    eservice = version.eservice
    received_at = timezone.now()
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
        protected_identity=protected_identity,
    )
    file_ids = [
        f["id"]
        for value in answers.values()
        if isinstance(value, list)
        for f in value
        if isinstance(f, dict) and "id" in f
    ]
    if file_ids:
        Attachment.objects.pending_for(upload_owner).filter(pk__in=file_ids).update(
            case=case, upload_owner=""
        )
    case_id = case.pk
    transaction.on_commit(lambda: tasks.render_receipt_pdf.enqueue(case_id=case_id))
    if confirmation_email(version.definition, answers):
        # The resident waits for the e-mail; the PDF is also made on request.
        transaction.on_commit(
            lambda: tasks.send_confirmation_email.using(priority=10).enqueue(case_id=case_id)
        )
    return case


def purge_abandoned_uploads(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Delete files of forms that were never sent (the browser session is long
    gone). They were never received, so they are not public documents."""
    cutoff = timezone.now() - older_than
    attachments = list(Attachment.objects.filter(case__isnull=True, created_at__lt=cutoff))
    for attachment in attachments:
        attachment.file.delete(save=False)
        attachment.delete()
    if attachments:
        logger.info("Purged %d abandoned uploads", len(attachments))
    return len(attachments)


def discard_pending_uploads(*, upload_owner: str) -> int:
    """Delete the files of a form that is abandoned or started over."""
    attachments = list(Attachment.objects.pending_for(upload_owner))
    for attachment in attachments:
        attachment.file.delete(save=False)
        attachment.delete()
    return len(attachments)
