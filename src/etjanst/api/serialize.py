"""A case as the API shows it."""

import hashlib

from django.urls import reverse

from etjanst.cases.models import Case, CaseEvent
from etjanst.eservices.presentation import summarise


def status_dict(status) -> dict:
    return {
        "code": status.code,
        "name": status.name,
        "resident_name": status.resident_name,
        "kind": status.kind,
    }


def case_url(case_id: int) -> str:
    return reverse("api-v1:get_case", kwargs={"case_id": case_id})


#: The columns `case_summary` reads (for `.only()` on long lists).
SUMMARY_FIELDS = (
    "registration_number",
    "eservice",
    "received_at",
    "status__code",
    "status__name",
    "status__resident_name",
    "status__kind",
    "status_changed_at",
    "purged_at",
)


def case_summaries(cases: list[Case]) -> list[dict]:
    """`case_summary` for a page of cases, with one reverse() for the page
    instead of one a row (a reverse costs about as much as the rest of a
    row): the URL is the pattern's with the id put in its place."""
    marker = "987654321"
    head, tail = case_url(int(marker)).split(marker)
    return [case_summary(case, url=f"{head}{case.pk}{tail}") for case in cases]


def case_summary(case: Case, *, url: str | None = None) -> dict:
    return {
        "id": case.pk,
        "registration_number": case.registration_number,
        "eservice": case.eservice.slug,
        "received_at": case.received_at,
        "status": status_dict(case.status),
        "status_changed_at": case.status_changed_at,
        "purged": case.purged_at is not None,
        "url": url or case_url(case.pk),
    }


def sha256_of(file) -> str | None:
    """Computed on each read: the stored file is what is sent, so the sum
    always matches it. (Storing it at upload is for the submission path.)"""
    try:
        digest = hashlib.sha256()
        with file.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1024 * 1024), b""):
                digest.update(chunk)
        return digest.hexdigest()
    except (FileNotFoundError, OSError):
        return None


def _answers(case: Case) -> list[dict]:
    if case.purged_at:
        return []
    rows = []
    for section in summarise(case.version.definition, case.answers):
        for row in section.rows:
            rows.append(
                {
                    "question_id": row.question.id,
                    "label": row.question.label,
                    "type": row.question.type,
                    "step": section.step.title,
                    "value": row.value,
                    "text": str(row.text),
                }
            )
    return rows


def case_detail(case: Case) -> dict:
    history = [
        {"status": status_dict(e.status), "at": e.at}
        for e in case.events.filter(
            kind__in=[CaseEvent.Kind.RECEIVED, CaseEvent.Kind.STATUS], status__isnull=False
        ).select_related("status")
    ]
    attachments = [
        {
            "id": a.pk,
            "name": a.original_name,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": sha256_of(a.file),
            "question_id": a.question_id or None,
            "message_id": a.message_id,
            "url": reverse(
                "api-v1:get_attachment", kwargs={"case_id": case.pk, "attachment_id": a.pk}
            ),
        }
        for a in case.attachments.all()
    ]
    messages = [
        {
            "id": m.pk,
            "from_staff": m.from_staff,
            "created_at": m.created_at,
            "body": m.body,
            "attachment_ids": [a.pk for a in m.attachments.all()],
        }
        for m in case.messages.prefetch_related("attachments")
    ]
    applicant = None
    if not case.is_anonymous and (case.sender_name or case.sender_personnummer or case.owner_id):
        applicant = {
            "name": case.sender_name,
            "personnummer": case.sender_personnummer or None,
            "logged_in": case.owner_id is not None,
        }
    return {
        "id": case.pk,
        "registration_number": case.registration_number,
        "description": case.description,
        "eservice": {"slug": case.eservice.slug, "name": case.eservice.name},
        "version": {"number": case.version.number, "form": case.version.form},
        "committee": {"name": case.committee.name, "prefix": case.committee.prefix},
        "received_at": case.received_at,
        "status": status_dict(case.status),
        "status_changed_at": case.status_changed_at,
        "status_history": history,
        "lock_version": case.lock_version,
        "assigned_to": case.assigned_to.get_username() if case.assigned_to else None,
        "anonymous": case.is_anonymous,
        "protected_identity": case.protected_identity,
        "applicant": applicant,
        "answers": _answers(case),
        "attachments": attachments,
        "messages": messages,
        "signature": case.signature,
        "legal_hold": case.legal_hold,
        "purged_at": case.purged_at,
        "deliveries": [
            {
                "system": d.client.name,
                "external_id": d.external_id,
                "confirmed_at": d.confirmed_at,
                "method": d.method,
            }
            for d in case.deliveries.select_related("client")
        ],
        "receipt_url": reverse("api-v1:get_receipt", kwargs={"case_id": case.pk}),
    }
