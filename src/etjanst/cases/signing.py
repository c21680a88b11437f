"""What a resident signs when an e-service requires a signature: the text
shown in the e-ID app and the digest of exactly the answers to be sent."""

from typing import Any

from django.utils.translation import gettext as _

from etjanst.eservices.conditions import visible_answers
from etjanst.eservices.models import EServiceVersion
from etjanst.eservices.presentation import answers_digest


def signing_request(
    *, version: EServiceVersion, answers: dict[str, Any], signer_name: str, submission_key: str
) -> dict:
    """`text` (simpleMarkdownV1, shown in the app), `digest` (sent along
    unseen) and `context` (kept with the signature; submit_case checks the
    digest against the answers it sends)."""
    eservice = version.eservice
    digest = answers_digest(visible_answers(version.definition, answers))
    text = _(
        "# %(eservice)s\n\nJag, %(name)s, skriver under och skickar in mina svar till "
        "%(committee)s.\n\nKontrollsumma för svaren: %(digest)s"
    ) % {
        "eservice": eservice.name,
        "name": signer_name,
        "committee": eservice.committee.name,
        "digest": digest[:16],
    }
    return {
        "text": text,
        "digest": digest,
        "context": {
            "eservice": eservice.slug,
            "submission_key": submission_key,
            "answers_digest": digest,
            "user_visible_data": text,
        },
    }
