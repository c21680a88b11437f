"""Writes to API clients, their tokens and deliveries. The admin pages and
the API call these; nothing else changes the rows."""

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.cases.models import Case

from .constants import Permission
from .models import ApiClient, ApiToken, Delivery
from .tokens import new_token

logger = logging.getLogger(__name__)


class IntegrationError(Exception):
    """Nothing was changed; the message says why, in Swedish."""


class DeliveryConflict(IntegrationError):
    """The case was already confirmed by the same system under another id."""


@transaction.atomic
def create_client(
    *,
    name: str,
    permissions: list[str],
    eservices=(),
    committees=(),
    contact_email: str = "",
    created_by=None,
    token_expires_at: datetime | None = None,
) -> tuple[ApiClient, str]:
    """A new receiving system with its first token. Returns the token, which
    is never shown again."""
    unknown = set(permissions) - set(Permission.values)
    if unknown:
        raise IntegrationError(_("Okänd behörighet: %(names)s.") % {"names": ", ".join(unknown)})
    client = ApiClient.objects.create(
        name=name.strip(),
        permissions=sorted(set(permissions)),
        contact_email=contact_email,
        created_by=created_by,
    )
    client.eservices.set(eservices)
    client.committees.set(committees)
    token = issue_token(client=client, expires_at=token_expires_at)
    logger.info("API client %s created", client.pk)
    return client, token


@transaction.atomic
def issue_token(*, client: ApiClient, expires_at: datetime | None = None) -> str:
    """Another token for the client; returns it (shown once)."""
    if client.revoked_at is not None:
        raise IntegrationError(_("Klienten är spärrad och kan inte få nya nycklar."))
    token, prefix, digest = new_token()
    ApiToken.objects.create(client=client, prefix=prefix, hash=digest, expires_at=expires_at)
    return token


@transaction.atomic
def rotate_token(
    *, client: ApiClient, overlap: timedelta = timedelta(days=7), expires_at: datetime | None = None
) -> str:
    """A new token; the client's current tokens keep working for `overlap`
    (so the receiving system can switch without a pause), then expire."""
    if overlap < timedelta(0):
        raise IntegrationError(_("Övergångstiden kan inte vara negativ."))
    until = timezone.now() + overlap
    for token in ApiToken.objects.select_for_update().filter(client=client).valid():
        if token.expires_at is None or token.expires_at > until:
            token.expires_at = until
            token.save(update_fields=["expires_at"])
    new = issue_token(client=client, expires_at=expires_at)
    logger.info("API client %s: token rotated, old ones valid until %s", client.pk, until)
    return new


@transaction.atomic
def revoke_token(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def revoke_client(*, client: ApiClient) -> ApiClient:
    """The system may no longer call the API at all, with any token."""
    now = timezone.now()
    if client.revoked_at is None:
        client.revoked_at = now
        client.save(update_fields=["revoked_at"])
    client.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
    logger.info("API client %s revoked", client.pk)
    return client


def confirm_delivery(*, case: Case, client: ApiClient, external_id: str) -> tuple[Delivery, bool]:
    """The system has the case, under `external_id`. Idempotent: the same id
    again changes nothing; another id is refused (DeliveryConflict).
    Returns (the delivery, whether it was new)."""
    external_id = (external_id or "").strip()
    if not external_id:
        raise IntegrationError(_("Ange ärendets id i ert system (external_id)."))
    if len(external_id) > 200:
        raise IntegrationError(_("Id:t är för långt. Det får vara högst 200 tecken."))
    existing = Delivery.objects.filter(case=case, client=client).first()
    if existing is None:
        try:
            with transaction.atomic():
                return Delivery.objects.create(
                    case=case, client=client, external_id=external_id
                ), True
        except IntegrityError:  # a concurrent confirmation won
            existing = Delivery.objects.get(case=case, client=client)
    if existing.external_id != external_id:
        raise DeliveryConflict(
            _("Ärendet är redan bekräftat med ett annat id (%(id)s). Ingenting ändrades.")
            % {"id": existing.external_id}
        )
    return existing, False
