"""The drafts part of a person's register extract."""

from etjanst.people.extract import personal_data, public_answers

from .models import Draft


@personal_data("drafts")
def drafts(owner) -> list[dict]:
    return [
        {
            "eservice": draft.eservice.name,
            "saved_at": draft.saved_at.isoformat(),
            "deleted_at": draft.expires_at.isoformat(),
            "answers": public_answers(draft.answers),
        }
        for draft in Draft.objects.owned_by(owner).select_related("eservice")
    ]
