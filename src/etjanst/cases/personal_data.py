"""The cases part of a person's register extract: their cases with answers,
files, status history and messages, and who at the municipality opened them."""

from etjanst.audit.models import AccessLogEntry
from etjanst.people.extract import personal_data, public_answers

from .models import Case


def _cases(owner):
    return (
        Case.objects.owned_by(owner)
        .select_related("eservice", "status")
        .prefetch_related("attachments", "messages", "events__status")
        .order_by("received_at")
    )


@personal_data("cases")
def cases(owner) -> list[dict]:
    return [
        {
            "registration_number": case.registration_number,
            "eservice": case.eservice.name,
            "received_at": case.received_at.isoformat(),
            "status": case.status.resident_name,
            "answers": public_answers(case.answers),
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
        for case in _cases(owner)
    ]


@personal_data("access_log")
def access_log(owner) -> list[dict]:
    entries = AccessLogEntry.objects.filter(
        case_id__in=Case.objects.owned_by(owner).values("pk")
    ).order_by("pk")
    return [
        {
            "at": entry.at.isoformat(),
            "registration_number": entry.registration_number,
            "who": entry.user_name,
            "role": str(entry.get_role_display()),
            "what": str(entry.get_kind_display()),
        }
        for entry in entries
    ]
