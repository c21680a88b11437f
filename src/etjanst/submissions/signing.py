"""What a resident signs when an e-service requires a signature: the text
shown in the e-ID app and the digest of exactly the answers to be sent."""

from django.utils.translation import gettext as _

from .facts import CaseFacts


def signing_request(*, facts: CaseFacts, signer_name: str, submission_key: str) -> dict:
    """`text` (simpleMarkdownV1, shown in the app), `digest` (sent along
    unseen) and `context` (kept with the signature; submit_form checks the
    digest against the answers it sends)."""
    eservice = facts.version.eservice
    digest = facts.digest
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
