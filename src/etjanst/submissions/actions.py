"""The one write path from the first step of a form to the registered case.
The resident's pages call these; the builder's test mode and the API will
call the very same ones.

- `start_form`, `record_step`, `save_draft`, `resume_draft`, `discard_form`
  change the form in progress (its session state, its files, its held times);
- `submit_form` is the pipeline: the case facts computed once, then one
  transaction that allocates the registration number, creates the case,
  moves the files, confirms the held times, removes the draft and writes
  the events; e-mail, PDF and notices are queued when it commits. Signing
  and anonymity are steps of it, not branches in a view."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.bookings.actions import confirm_for_case, hold_for_step, release_holds
from etjanst.cases import tasks as case_tasks
from etjanst.cases.models import Attachment, Case, CaseEvent
from etjanst.cases.statuses import first_status
from etjanst.diarium.actions import allocate_registration_number
from etjanst.diarium.registration import preset_secrecy
from etjanst.eservices.engine import StepResult, validate_step
from etjanst.eservices.filetypes import safe_file_name
from etjanst.eservices.formschema import Step
from etjanst.eservices.models import EService, EServiceVersion
from etjanst.eservices.questions.types import FileAnswer
from etjanst.guardians.actions import cosigners, request_signatures
from etjanst.people.actions import resident_for
from etjanst.people.models import Resident

from . import signals
from .anonymity import strip_file_metadata
from .drafts import save_draft_row
from .facts import CaseFacts
from .models import Draft
from .session import FormSession
from .signing import signing_request

logger = logging.getLogger(__name__)


class SignatureMissing(Exception):
    """The e-service requires a signature of exactly these answers."""


class SubmissionInvalid(Exception):
    """The answers are not complete or no longer valid; nothing was stored."""

    def __init__(self, problems: list) -> None:
        self.problems = problems
        super().__init__(problems)


class NeverInTestMode(Exception):
    """A test run of the builder ("Testa e-tjänsten") is never saved as a
    draft, signed or registered: `testmode.send_test_form` shows what would
    have happened instead."""


def _refuse_test_run(form: FormSession) -> None:
    """The one rule of test mode: a test run's form never leaves the test
    (no draft, no case, no registration number, no e-mail, no webhook)."""
    if form.is_test:
        raise NeverInTestMode


def _announce(signal, *, form: FormSession, **facts) -> None:
    """Tell the listeners (the statistics) what happened to a form — never
    about a test run's form, which counts for nothing."""
    if not form.is_test:
        signal.send(sender=FormSession, form=form, **facts)


# -- the form in progress ---------------------------------------------------


def start_form(*, session, eservice: EService, person=None, anonymous: bool = False) -> FormSession:
    """A new form on the e-service's current version, replacing one in
    progress (its files and held times are let go; a saved draft stays)."""
    current = FormSession(session, eservice)
    if current.exists:
        discard_pending_uploads(upload_owner=current.upload_owner)
    form = FormSession.start(
        session, eservice, eservice.current_version, person=person, anonymous=anonymous
    )
    _announce(signals.form_started, form=form, person=person)
    return form


def record_step(
    *,
    form: FormSession,
    step: Step,
    data: QueryDict,
    files: dict[str, list[UploadedFile]],
) -> StepResult:
    """Validate one step and, only if all of it is valid, store its files,
    hold its booked times and keep its answers with the form. Invalid input
    stores nothing."""
    first = step.id not in form.state["completed"]
    result = _validate_and_store(form=form, step=step, data=data, files=files)
    if result.is_valid:
        form.save_step(step, result.answers)
    _announce(signals.step_recorded, form=form, step=step, result=result, first=first)
    return result


@dataclass
class SaveResult:
    draft: Draft
    left_out: list[str] = field(default_factory=list)  # labels of answers not saved


def save_draft(
    *,
    form: FormSession,
    person,
    step: Step,
    number: int,
    data: QueryDict,
    files: dict[str, list[UploadedFile]],
) -> SaveResult:
    """Spara: keep the form as the person's private draft. What is valid on
    this step is kept; what is not is left out, and named in the result."""
    _refuse_test_run(form)
    result = _validate_and_store(form=form, step=step, data=data, files=files)
    if result.is_valid:
        form.save_step(step, result.answers)
    else:
        valid = {k: v for k, v in result.answers.items() if k not in result.errors}
        form.save_partial(step, valid, set(result.errors))
    draft = save_draft_row(
        owner=resident_for(person=person),
        version=form.version,
        answers=form.answers,
        completed_steps=form.state["completed"],
        step_number=number,
        upload_owner=form.upload_owner,
        draft_id=form.draft_id,
    )
    form.remember_draft(draft.pk)
    _announce(signals.draft_saved, form=form)
    left_out = [q.label for q in step.questions if q.id in result.errors]
    return SaveResult(draft=draft, left_out=left_out)


def resume_draft(*, session, draft: Draft) -> FormSession:
    """Continue a saved draft (reached through `Draft.objects.owned_by`) on
    the version it was started on; a different form in progress is let go."""
    current = FormSession(session, draft.eservice)
    if current.exists and current.draft_id != str(draft.pk):
        discard_pending_uploads(upload_owner=current.upload_owner)
    form = FormSession.resume(session, draft)
    _announce(signals.draft_resumed, form=form)
    return form


def discard_form(*, form: FormSession) -> bool:
    """Stop filling in: the answers, files and held times of the form go (a
    saved draft stays as it was last saved). True if it came from a draft."""
    from_draft = bool(form.exists and form.draft_id)
    if form.exists:
        _announce(signals.form_discarded, form=form)
        discard_pending_uploads(upload_owner=form.upload_owner)
        form.clear()
    return from_draft


def _validate_and_store(*, form: FormSession, step: Step, data, files) -> StepResult:
    version, answers, upload_owner = form.version, form.answers, form.upload_owner
    definition = version.definition
    result = validate_step(definition, step, data=data, files=files, answers=answers)
    if not result.is_valid:
        return result
    file_answers = {qid: v for qid, v in result.answers.items() if isinstance(v, FileAnswer)}
    if file_answers:
        _check_total_size(version, step, answers, file_answers, result)
        if not result.is_valid:
            return result
    if upload_owner and any(q.type == "booking" for q in step.questions):
        taken = hold_for_step(
            form=definition, step=step, answers=result.answers, hold_key=upload_owner
        )
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


def _delete_pending(owner: str, ids: set[str]) -> None:
    if not ids:
        return
    _delete_with_files(Attachment.objects.pending_for(owner).filter(pk__in=ids))


def discard_pending_uploads(*, upload_owner: str) -> int:
    """Delete the files of a form that is abandoned or started over (not
    those kept with a saved draft), and give its held times back."""
    release_holds(hold_key=upload_owner)
    return _delete_with_files(
        Attachment.objects.pending_for(upload_owner).filter(draft__isnull=True)
    )


def purge_abandoned_uploads(*, older_than: timedelta = timedelta(hours=24)) -> int:
    """Delete files of forms that were never sent (the browser session is long
    gone). They were never received, so they are not public documents."""
    cutoff = timezone.now() - older_than
    count = _delete_with_files(
        Attachment.objects.filter(
            case__isnull=True, draft__isnull=True, message__isnull=True, created_at__lt=cutoff
        )
    )
    if count:
        logger.info("Purged %d abandoned uploads", count)
    return count


def _delete_with_files(attachments) -> int:
    """Delete the attachments and their stored files; how many there were."""
    attachments = list(attachments)
    for attachment in attachments:
        attachment.file.delete(save=False)
        attachment.delete()
    return len(attachments)


# -- signing and sending ----------------------------------------------------


def prepare_signing(*, form: FormSession, person) -> dict:
    """What the person signs with their e-ID before the case is sent: the
    text shown in the app and the digest of exactly these answers.
    SubmissionInvalid when the answers are not complete."""
    _refuse_test_run(form)
    facts = CaseFacts.of(version=form.version, answers=form.answers)
    if facts.problems:
        raise SubmissionInvalid(facts.problems)
    return signing_request(
        facts=facts, signer_name=person.name, submission_key=form.state["submission_key"]
    )


def submit_from_session(*, form: FormSession, person, signature: dict | None = None) -> Case:
    """Send the form in progress as `person` (None: not logged in). The
    draft it continues, if any, is found through its owner and removed."""
    _refuse_test_run(form)
    # An anonymous sender is not even stored as a resident (unless they saved
    # the form as a draft, which is theirs alone and goes with the sending).
    resident = None
    if person is not None and (not form.anonymous or form.draft_id):
        resident = resident_for(person=person)
    draft = None
    if form.draft_id and resident is not None:
        draft = Draft.objects.owned_by(resident).filter(pk=form.draft_id).first()
    case = submit_form(
        version=form.version,
        answers=form.answers,
        upload_owner=form.upload_owner,
        submission_key=uuid.UUID(form.state["submission_key"]),
        signature=signature,
        owner=resident,
        draft=draft,
    )
    _announce(signals.form_sent, form=form, case=case, person=person)
    form.finish(case.pk)
    return case


def submit_form(
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
    with an owner shows under the owner's Mina sidor (an anonymous case has
    none, whoever is logged in); the draft it continued is deleted with it.

    The same submission key always gives the same case, so a double click or
    a replayed POST never makes two."""
    existing = Case.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    facts = CaseFacts.of(version=version, answers=answers, owner=owner)
    if facts.problems:
        raise SubmissionInvalid(facts.problems)
    if version.eservice.requires_signing and not facts.is_signed_by(signature):
        raise SignatureMissing
    try:
        case = _register(
            facts=facts, upload_owner=upload_owner, key=submission_key, signature=signature,
            draft=draft,
        )  # fmt: skip
    except IntegrityError:
        # Another request with the same key won the race.
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    logger.info("Case %s received (e-service %s)", case.registration_number, version.eservice.slug)
    return case


@transaction.atomic
def _register(
    *, facts: CaseFacts, upload_owner: str, key, signature: dict | None, draft: Draft | None
) -> Case:
    version = facts.version
    eservice = version.eservice
    received_at = timezone.now()
    status = first_status(eservice)
    # The other guardians who must sign too: the case waits for them.
    guardians = cosigners(
        guardian_signing=eservice.guardian_signing,
        form=version.definition,
        answers=facts.answers,
        sender=facts.owner.personnummer if facts.owner else "",
    )
    number = allocate_registration_number(committee=eservice.committee, at=received_at)
    case = Case.objects.create(
        eservice=eservice,
        version=version,
        committee=number.committee,
        registration_year=number.year,
        registration_sequence=number.sequence,
        registration_number=str(number),
        received_at=received_at,
        answers=facts.answers,
        submission_key=key,
        signature=signature,
        owner=facts.owner,
        status=status,
        status_changed_at=received_at,
        sender_name=facts.sender_name,
        sender_personnummer=facts.sender_personnummer,
        protected_identity=facts.protected_identity,
        is_anonymous=facts.anonymous,
        description=facts.description,
        awaiting_signatures=bool(guardians),
    )
    preset_secrecy(case)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RECEIVED, status=status, at=received_at)
    if facts.attachment_ids:
        Attachment.objects.pending_for(upload_owner).filter(pk__in=facts.attachment_ids).update(
            case=case, upload_owner="", draft=None
        )
        if facts.anonymous:
            strip_file_metadata(case)
    if draft is not None:
        # Files the final answers no longer hold go with the other abandoned
        # uploads (purge_abandoned_uploads).
        Draft.objects.filter(pk=draft.pk).delete()
    if facts.has_bookings:
        confirm_for_case(
            case=case,
            form=version.definition,
            answers=facts.answers,
            hold_key=upload_owner,
            email=facts.confirmation_email or "",
        )
    case_id = case.pk
    transaction.on_commit(lambda: case_tasks.render_receipt_pdf.enqueue(case_id=case_id))
    if guardians:
        request_signatures(case=case, guardians=guardians)  # staff are told when they have
    else:
        transaction.on_commit(lambda: case_tasks.notify_officers.enqueue(case_id=case_id))
    if facts.confirmation_email:
        # The resident waits for the e-mail; the PDF is also made on request.
        transaction.on_commit(
            lambda: case_tasks.send_confirmation_email.using(priority=10).enqueue(case_id=case_id)
        )
    return case
