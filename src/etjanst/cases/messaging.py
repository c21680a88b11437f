"""Writes to the message thread of a case: the resident and the
municipality write to each other, with files under the same rules as an
e-service's file question."""

import uuid

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.eservices.filetypes import safe_file_name
from etjanst.eservices.formschema import Question
from etjanst.eservices.questions import AnswerError

from . import signals
from .models import Attachment, Case, CaseEvent, CaseParty, Message

MAX_LENGTH = 10_000
# The rules of an e-service's file question, with room for a few files.
FILES = Question(id="files", type="file", validation={"max_files": 5})


class MessageInvalid(Exception):
    """Nothing was written; `errors` says why, per field ("body", "files")."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(errors)


def may_write(*, case: Case, from_staff: bool) -> bool:
    """Whether a message may be written in the case's thread now: the
    e-service takes messages, and a closed case takes none from the resident."""
    return case.eservice.messages_enabled and (from_staff or not case.status.is_closed)


def send_message(
    *,
    case: Case,
    body: str,
    from_staff: bool,
    client_key: uuid.UUID,
    files: list[UploadedFile] = (),
    staff_user=None,
    resident=None,
) -> Message:
    """Write a message in the case's thread. The same client key always gives
    the same message, so a double click never sends two. `resident` is who
    writes from Mina sidor: the owner or a party to the case."""
    existing = Message.objects.filter(client_key=client_key).first()
    if existing is not None:
        if existing.case_id != case.pk:
            raise MessageInvalid({"body": _("Meddelandet kunde inte skickas. Försök igen.")})
        return existing
    body = (body or "").strip()
    case.refresh_from_db(fields=["status"])  # the status now, not when the page was read
    errors = {}
    if not case.eservice.messages_enabled:
        errors["body"] = _("Den här e-tjänsten tar inte emot meddelanden.")
    elif not from_staff and case.status.is_closed:
        errors["body"] = _(
            "Ärendet är avslutat och tar inte emot fler meddelanden. Har du något nytt att "
            "berätta kan du skicka in ett nytt ärende eller kontakta oss."
        )
    elif not body:
        errors["body"] = _("Skriv ett meddelande.")
    elif len(body) > MAX_LENGTH:
        errors["body"] = _("Meddelandet är för långt. Det får vara högst %(max)d tecken.") % {
            "max": MAX_LENGTH
        }
    uploads = []
    try:
        answer = FILES.type_plugin.clean(
            FILES, {"remove": [], "files": [f for f in files if f.name or f.size]}, required=False
        )
        uploads = answer.new
    except AnswerError as exc:
        errors["files"] = exc.messages.get("", next(iter(exc.messages.values()), ""))
    if errors:
        raise MessageInvalid(errors)
    try:
        party = None if from_staff else _party(case, resident)
        message = _write(case, body, from_staff, client_key, uploads, staff_user, party)
    except IntegrityError:  # the same key won a race
        message = Message.objects.filter(client_key=client_key, case=case).first()
        if message is None:
            raise
    return message


@transaction.atomic
def _party(case: Case, resident) -> CaseParty | None:
    """The party writing, when the resident is not the case's owner."""
    if resident is None or resident.pk == case.owner_id or not resident.personnummer:
        return None
    return case.parties.filter(personnummer=resident.personnummer).first()


def thread(case: Case, *, resident=None) -> list[Message]:
    """The case's messages, oldest first, each with `mine` (written by
    `resident`, who reads it on Mina sidor) and `author_name`: who of the
    residents wrote it, where the case has more than one (the guardians of
    a child), else empty."""
    messages = list(
        case.messages.select_related("staff_user", "from_party").prefetch_related("attachments")
    )
    parties = case.parties.exists()
    owner = case.owner
    reader_party = _party(case, resident)
    for message in messages:
        if message.from_staff:
            message.mine, message.author_name = False, ""
            continue
        if message.from_party_id:
            message.mine = reader_party is not None and message.from_party_id == reader_party.pk
            message.author_name = message.from_party.name
        else:
            message.mine = resident is not None and resident.pk == case.owner_id
            message.author_name = (
                f"{owner.given_name} {owner.surname}".strip() if owner and parties else ""
            )
    return messages


def _write(case, body, from_staff, client_key, uploads, staff_user, party=None) -> Message:
    from . import tasks

    message = Message.objects.create(
        case=case,
        from_staff=from_staff,
        from_party=party,
        staff_user=staff_user,
        body=body,
        client_key=client_key,
    )
    for upload, kind in uploads:
        attachment = Attachment(
            case=case,
            message=message,
            original_name=safe_file_name(upload.name or "fil", kind.extension),
            content_type=kind.mime_type,
            size=upload.size,
        )
        upload.seek(0)
        attachment.file.save("upload", upload, save=False)
        attachment.save()
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.MESSAGE_FROM_STAFF
        if from_staff
        else CaseEvent.Kind.MESSAGE_FROM_RESIDENT,
        at=message.created_at,
        staff_user=staff_user,
    )
    signals.message_written.send(sender=Message, message=message)
    if from_staff:
        message_id = message.pk
        transaction.on_commit(lambda: tasks.send_message_nudge.enqueue(message_id=message_id))
    return message


def mark_read(*, case: Case, by_staff: bool) -> int:
    """The reader has seen the other side's messages."""
    return Message.objects.filter(case=case, from_staff=not by_staff, read_at__isnull=True).update(
        read_at=timezone.now()
    )
