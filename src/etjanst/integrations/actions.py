"""Writes to API clients, their tokens and deliveries. The admin pages and
the API call these; nothing else changes the rows."""

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.cases.models import Case

from .constants import Permission
from .models import (
    ApiClient,
    ApiToken,
    Delivery,
    OutboxMessage,
    WebhookEndpoint,
    new_webhook_secret,
)
from .tokens import new_token
from .webhooks import EVENT_TYPES, deliver_webhooks

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
    required_for=(),
) -> tuple[ApiClient, str]:
    """A new receiving system with its first token. Returns the token, which
    is never shown again."""
    unknown = set(permissions) - set(Permission.values)
    if unknown:
        raise IntegrationError(_("Okänd behörighet: %(names)s.") % {"names": ", ".join(unknown)})
    name = (name or "").strip()
    if not name:
        raise IntegrationError(_("Skriv systemets namn."))
    if ApiClient.objects.filter(name__iexact=name).exists():
        raise IntegrationError(_("Det finns redan en API-klient med det namnet."))
    client = ApiClient.objects.create(
        name=name,
        permissions=sorted(set(permissions)),
        contact_email=contact_email,
        created_by=created_by,
    )
    client.eservices.set(eservices)
    client.committees.set(committees)
    client.required_for.set(required_for)
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
    if existing is not None and existing.method == Delivery.Method.WEBHOOK:
        # A 2xx counted already; the system's own id is better than our webhook-id.
        existing.external_id, existing.method = external_id, Delivery.Method.API
        existing.confirmed_at = timezone.now()
        existing.save(update_fields=["external_id", "method", "confirmed_at"])
        return existing, True
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


@transaction.atomic
def change_client(
    *,
    client: ApiClient,
    permissions: list[str],
    eservices=(),
    committees=(),
    required_for=(),
    contact_email: str = "",
) -> ApiClient:
    """What the system sees and may do, and the e-services whose cases are
    not purged before it has confirmed that it has them."""
    unknown = set(permissions) - set(Permission.values)
    if unknown:
        raise IntegrationError(_("Okänd behörighet: %(names)s.") % {"names": ", ".join(unknown)})
    client.permissions = sorted(set(permissions))
    client.contact_email = contact_email
    client.save(update_fields=["permissions", "contact_email"])
    client.eservices.set(eservices)
    client.committees.set(committees)
    client.required_for.set(required_for)
    logger.info("API client %s changed", client.pk)
    return client


def _check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    allowed = {"https", "http"} if _private_allowed() else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise IntegrationError(
            _(
                "Adressen måste börja med https:// och ha ett värdnamn, t.ex. https://system.example/hook."
            )
        )
    if len(url) > 500:
        raise IntegrationError(_("Adressen är för lång. Den får vara högst 500 tecken."))
    return url


def _private_allowed() -> bool:
    return bool(
        settings.ETJANST_WEBHOOK_ALLOW_PRIVATE
        or getattr(settings, "ETJANST_WEBHOOK_ALLOWED_NETWORKS", ())
    )


def _check_events(event_types) -> list[str]:
    known = set(EVENT_TYPES.values())
    unknown = set(event_types) - known
    if unknown:
        raise IntegrationError(_("Okänd händelse: %(names)s.") % {"names": ", ".join(unknown)})
    return sorted(set(event_types))


@transaction.atomic
def add_endpoint(
    *, client: ApiClient, url: str, event_types=(), delivered_on_2xx: bool = False
) -> tuple[WebhookEndpoint, str]:
    """A webhook subscription for the client. Returns the signing secret,
    shown once."""
    if client.revoked_at is not None:
        raise IntegrationError(_("Klienten är spärrad."))
    if not client.may(Permission.READ_CASES):
        raise IntegrationError(
            _("Klienten måste få behörigheten att läsa ärenden för att få webhooks.")
        )
    endpoint = WebhookEndpoint.objects.create(
        client=client,
        url=_check_url(url),
        event_types=_check_events(event_types),
        delivered_on_2xx=delivered_on_2xx,
        secret=new_webhook_secret(),
    )
    logger.info("API client %s: webhook endpoint %s added", client.pk, endpoint.pk)
    return endpoint, endpoint.secret


@transaction.atomic
def change_endpoint(
    *, endpoint: WebhookEndpoint, event_types, delivered_on_2xx: bool, enabled: bool
) -> WebhookEndpoint:
    endpoint.event_types = _check_events(event_types)
    endpoint.delivered_on_2xx = delivered_on_2xx
    if enabled and endpoint.disabled_at is not None:
        endpoint.disabled_at, endpoint.disabled_reason = None, ""
    elif not enabled and endpoint.disabled_at is None:
        endpoint.disabled_at, endpoint.disabled_reason = timezone.now(), _("Avstängd av personalen")
    endpoint.save()
    return endpoint


@transaction.atomic
def rotate_endpoint_secret(
    *, endpoint: WebhookEndpoint, overlap: timedelta = timedelta(days=7)
) -> str:
    """A new signing secret, shown once. During `overlap` each message carries
    signatures with both the new and the old secret, so the receiver can
    switch without losing a message."""
    if overlap < timedelta(0):
        raise IntegrationError(_("Övergångstiden kan inte vara negativ."))
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret if overlap else ""
    endpoint.previous_secret_until = timezone.now() + overlap if overlap else None
    endpoint.secret = new_webhook_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until"])
    logger.info("Webhook endpoint %s: secret rotated", endpoint.pk)
    return endpoint.secret


@transaction.atomic
def resend_message(*, message: OutboxMessage) -> OutboxMessage:
    """Send a message again now, also a failed one after the retry limit
    (with a fresh set of retries). The endpoint is switched on again if the
    receiver had switched it off with 410."""
    message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    message.state, message.next_attempt_at = OutboxMessage.State.PENDING, timezone.now()
    message.attempts = 0
    message.save(update_fields=["state", "next_attempt_at", "attempts"])
    WebhookEndpoint.objects.filter(pk=message.endpoint_id, disabled_reason="410 Gone").update(
        disabled_at=None, disabled_reason=""
    )
    _wake_worker()
    return message


@transaction.atomic
def resend_failed(*, client: ApiClient) -> int:
    """Every failed message of the client's endpoints, again."""
    failed = list(
        OutboxMessage.objects.filter(
            endpoint__client=client, state=OutboxMessage.State.FAILED
        ).values_list("pk", flat=True)
    )
    for pk in failed:
        resend_message(message=OutboxMessage(pk=pk))
    return len(failed)


def _wake_worker() -> None:
    transaction.on_commit(lambda: deliver_webhooks.enqueue())
