"""API tokens: how they look, how they are hashed and found.

A token is `etj_<prefix>_<secret>`. The prefix is stored in clear to find the
row; only the SHA-256 of the whole token is kept. A fast hash is enough here
(unlike for passwords): the secret is 256 random bits, so there is nothing to
guess by trying words, and every API call must check it quickly."""

import hashlib
import hmac
import secrets

from django.utils import timezone

from .models import ApiToken

SCHEME = "etj"
PREFIX_BYTES = 6  # 8 characters of base64url
SECRET_BYTES = 32


def new_token() -> tuple[str, str, str]:
    """A fresh token: (the token to show once, its prefix, its hash)."""
    prefix = secrets.token_urlsafe(PREFIX_BYTES).replace("_", "x").replace("-", "y")
    token = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    return token, prefix, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_token(raw: str) -> ApiToken | None:
    """The valid token behind `raw` (with its client), or None. Never logs
    the token."""
    parts = (raw or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != SCHEME or not parts[1] or len(raw) > 200:
        return None
    token = ApiToken.objects.valid().select_related("client").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.hash, hash_token(raw.strip())):
        return None
    now = timezone.now()
    # One write a minute at most per token, not one per call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
