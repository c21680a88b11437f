"""The register extract (GDPR article 15): everything the platform holds
about a resident — profile, drafts, cases with their answers, files, status
history and messages, and who at the municipality opened them."""

import json

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import DataExtract, Resident


def request_extract(*, owner: Resident) -> DataExtract:
    """Ask for a new extract (one at a time): made in the background."""
    from . import tasks

    pending = owner.extracts.filter(state=DataExtract.State.PENDING).first()
    if pending is not None:
        return pending
    extract = DataExtract.objects.create(owner=owner)
    extract_id = str(extract.pk)
    transaction.on_commit(lambda: tasks.build_extract.enqueue(extract_id=extract_id))
    return extract


def gather(owner: Resident) -> dict:
    """The data, as a JSON-ready dict. Only the owner's."""
    from etjanst.audit.models import AccessLogEntry
    from etjanst.cases.models import Case, Draft

    cases = list(
        Case.objects.owned_by(owner)
        .select_related("eservice", "status")
        .prefetch_related("attachments", "messages", "events__status")
        .order_by("received_at")
    )
    accesses = AccessLogEntry.objects.filter(case_id__in=[c.pk for c in cases]).order_by("pk")
    return {
        "made_at": timezone.now().isoformat(),
        "profile": {
            "personnummer": owner.personnummer,
            "foreign_id": owner.foreign_id,
            "given_name": owner.given_name,
            "surname": owner.surname,
            "stored_since": owner.created_at.isoformat(),
        },
        "drafts": [
            {
                "eservice": draft.eservice.name,
                "saved_at": draft.saved_at.isoformat(),
                "deleted_at": draft.expires_at.isoformat(),
                "answers": _public_answers(draft.answers),
            }
            for draft in Draft.objects.owned_by(owner).select_related("eservice")
        ],
        "cases": [
            {
                "registration_number": case.registration_number,
                "eservice": case.eservice.name,
                "received_at": case.received_at.isoformat(),
                "status": case.status.resident_name,
                "answers": _public_answers(case.answers),
                "attachments": [
                    {"name": a.original_name, "size": a.size, "type": a.content_type}
                    for a in case.attachments.all()
                ],
                "status_history": [
                    {"at": e.at.isoformat(), "status": e.status.resident_name}
                    for e in case.events.all()
                    if e.visible_to_resident and e.status is not None
                ],
                "messages": [
                    {
                        "at": m.created_at.isoformat(),
                        "from": "kommunen" if m.from_staff else "du",
                        "text": m.body,
                    }
                    for m in case.messages.all()
                ],
            }
            for case in cases
        ],
        # Bookings come with their own part of the platform.
        "bookings": [],
        "access_log": [
            {
                "at": entry.at.isoformat(),
                "registration_number": entry.registration_number,
                "who": entry.user_name,
                "role": str(entry.get_role_display()),
                "what": str(entry.get_kind_display()),
            }
            for entry in accesses
        ],
    }


def _public_answers(answers: dict) -> dict:
    return {k: v for k, v in answers.items() if not k.startswith("_")}


def build(extract: DataExtract) -> DataExtract:
    data = gather(extract.owner)
    with translation.override("sv"):
        html = render_to_string("people/extract_pdf.html", {"data": data, "extract": extract})
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    extract.json_file.save(
        "registerutdrag.json",
        ContentFile(json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")),
        save=False,
    )
    extract.pdf_file.save("registerutdrag.pdf", ContentFile(pdf), save=False)
    extract.state = DataExtract.State.READY
    extract.save()
    return extract


def delete_old_extracts(*, days: int = 7) -> int:
    """Extracts are kept a week: the resident downloads theirs, then it goes."""
    cutoff = timezone.now() - timezone.timedelta(days=days)
    old = list(DataExtract.objects.filter(requested_at__lt=cutoff))
    for extract in old:
        for field in (extract.json_file, extract.pdf_file):
            if field:
                field.delete(save=False)
        extract.delete()
    return len(old)
