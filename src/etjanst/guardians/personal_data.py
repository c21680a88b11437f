"""The guardians part of a person's register extract: the signatures asked
of them as a child's guardian, and of the other guardian in the cases they
sent, with what each answered. (The cases they are a party to are in the
cases part, through `Case.objects.owned_by`.)"""

from django.db.models import Q

from etjanst.cases.models import Case
from etjanst.people.extract import personal_data

from .models import GuardianSignature


@personal_data("guardian_signatures")
def guardian_signatures(owner) -> list[dict]:
    mine = Q(personnummer=owner.personnummer) if owner.personnummer else Q(pk__in=[])
    theirs = Q(case__in=Case.objects.filter(owner=owner).values("pk"))
    return [
        {
            "case": signature.case.registration_number,
            "guardian": signature.name,
            "eservice": signature.case.eservice.name,
            "state": str(signature.get_state_display()),
            "asked_at": signature.created_at.isoformat(),
            "deadline": signature.deadline.isoformat(),
            "answered_at": signature.decided_at.isoformat() if signature.decided_at else None,
            "message": signature.message,
            # The address the request went to: only in the guardian's own extract.
            "email": signature.email if signature.personnummer == owner.personnummer else "",
        }
        for signature in GuardianSignature.objects.filter(mine | theirs)
        .select_related("case__eservice")
        .order_by("created_at")
    ]
