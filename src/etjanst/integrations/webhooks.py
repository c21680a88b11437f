"""Webhooks from a transactional outbox.

Each case event that a receiving system may hear about becomes one
OutboxMessage per endpoint, written in the transaction that writes the event
(so a change and its message are committed together or not at all). The
worker then sends the messages: Standard Webhooks headers and signature
(made with the `standardwebhooks` library), a thin CloudEvents 1.0 body,
short timeouts, no redirects, no private addresses unless allowed. A message
is claimed with a lease before it is sent, so a worker killed mid-delivery
only delays it: it is sent again (at least once; receivers deduplicate by
`webhook-id`). Messages of one case go to an endpoint in order."""

import ipaddress
import logging
import socket
import time
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from standardwebhooks.webhooks import Webhook

from etjanst.cases.models import Case, CaseEvent

from .constants import Permission
from .models import Delivery, OutboxMessage, WebhookAttempt, WebhookEndpoint

logger = logging.getLogger(__name__)

EVENT_TYPES = {
    CaseEvent.Kind.RECEIVED: "case.submitted",
    CaseEvent.Kind.STATUS: "case.status_changed",
    CaseEvent.Kind.MESSAGE_FROM_RESIDENT: "case.message_received",
    CaseEvent.Kind.MESSAGE_FROM_STAFF: "case.message_sent",
    CaseEvent.Kind.PURGED: "case.purged",
}
# Exponential backoff: about 3 days and 6 hours in all, then the message has failed.
RETRY_DELAYS = [
    timedelta(seconds=s)
    for s in (5, 30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 24 * 3600)
]
LEASE = timedelta(seconds=60)
TIMEOUT = httpx.Timeout(5.0, connect=3.0)
MAX_RETRY_AFTER = timedelta(hours=6)
RECORD_EVERY = 20
RECORDED = ["state", "attempts", "last_status", "last_error"]


def endpoints_for(case: Case) -> list[WebhookEndpoint]:
    """The active endpoints of clients that may read the case."""
    endpoints = (
        WebhookEndpoint.objects.filter(disabled_at__isnull=True, client__revoked_at__isnull=True)
        .filter(Q(client__eservices=case.eservice_id) | Q(client__committees=case.committee_id))
        .select_related("client")
        .distinct()
    )
    return [e for e in endpoints if e.client.may(Permission.READ_CASES)]


def record_event(event: CaseEvent) -> list[OutboxMessage]:
    """Write the event's messages to the outbox (inside the caller's
    transaction) and ask the worker to send them once it commits."""
    event_type = EVENT_TYPES.get(event.kind)
    if event_type is None:
        return []
    case = event.case  # already loaded by whoever wrote the event
    messages = [
        OutboxMessage(
            endpoint=endpoint,
            case=case,
            event_type=event_type,
            payload=_cloudevent(event, event_type, case),
            created_at=event.at,
        )
        for endpoint in endpoints_for(case)
        if endpoint.wants(event_type)
    ]
    if messages:
        OutboxMessage.objects.bulk_create(messages)
        transaction.on_commit(lambda: deliver_webhooks.enqueue())
    return messages


def _cloudevent(event: CaseEvent, event_type: str, case: Case) -> dict:
    """Thin: what happened and where to read more, no case content."""
    return {
        "specversion": "1.0",
        "id": f"evt_{event.pk}",
        "source": f"{settings.ETJANST_SITE_URL}/api/v1/eservices/{case.eservice.slug}",
        "type": f"se.etjanst.{event_type}",
        "subject": str(case.pk),
        "time": event.at.isoformat(),
        "datacontenttype": "application/json",
        "data": {
            "case_id": case.pk,
            "registration_number": case.registration_number,
            "status": event.status.code if event.status_id else None,
            "links": {
                "case": settings.ETJANST_SITE_URL
                + reverse("api-v1:get_case", kwargs={"case_id": case.pk})
            },
        },
    }


class RefusedAddress(Exception):
    pass


# The resolver, a seam for the tests' own DNS answers (a rebinding name).
_getaddrinfo = socket.getaddrinfo


def _allowed(address) -> bool:
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is loopback too
    if settings.ETJANST_WEBHOOK_ALLOW_PRIVATE:
        return True
    if any(address in ipaddress.ip_network(n, strict=False) for n in _networks()):
        return True
    return address.is_global and not address.is_multicast


def _networks() -> list[str]:
    return list(getattr(settings, "ETJANST_WEBHOOK_ALLOWED_NETWORKS", ()) or ())


def check_address(url: str) -> str:
    """Resolve the URL's host once and return the address to connect to.
    Refused (SSRF): loopback, private, link-local (169.254.169.254, the
    clouds' metadata service), reserved and multicast addresses, and a name
    with any such address among its answers, unless the installation allows
    them (ETJANST_WEBHOOK_ALLOW_PRIVATE, or ETJANST_WEBHOOK_ALLOWED_NETWORKS);
    plain http only to allowed private addresses. The caller connects to
    exactly this address, so a second DNS answer (rebinding) is never used."""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise RefusedAddress("bad url")
    try:
        infos = _getaddrinfo(
            parts.hostname,
            parts.port or (443 if parts.scheme == "https" else 80),
            type=socket.SOCK_STREAM,
        )
    except (OSError, UnicodeError) as exc:
        raise RefusedAddress("unknown host") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not addresses:
        raise RefusedAddress("unknown host")
    for address in addresses:
        if not _allowed(address):
            raise RefusedAddress(f"not a public address: {address}")
    in_allowed = all(
        any(a in ipaddress.ip_network(n, strict=False) for n in _networks()) for a in addresses
    )
    if parts.scheme == "http" and not (settings.ETJANST_WEBHOOK_ALLOW_PRIVATE or in_allowed):
        raise RefusedAddress("https only")
    return str(addresses[0])


class PinnedTransport(httpx.BaseTransport):
    """Connects to the address `check_address` approved, not to whatever the
    name resolves to a moment later: the request goes to the IP, with the
    name kept in the Host header and as the TLS server name (SNI, and the
    name the certificate must carry). One connection pool per host name, so
    a TLS connection made for one name is never reused for another."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._pools: dict[str, httpx.HTTPTransport] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        address = check_address(str(request.url))
        pool = self._pools.get(host)
        if pool is None:
            pool = self._pools[host] = httpx.HTTPTransport(**self._kwargs)
        request.headers["Host"] = request.url.netloc.decode("ascii")
        request.url = request.url.copy_with(host=address)
        if request.url.scheme == "https":
            request.extensions = {**request.extensions, "sni_hostname": host}
        return pool.handle_request(request)

    def close(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()


def http_client() -> httpx.Client:
    return httpx.Client(timeout=TIMEOUT, follow_redirects=False, transport=PinnedTransport())


def _claim(now, limit: int) -> list[OutboxMessage]:
    """Due messages, each the oldest pending one of its case and endpoint
    (order per case), leased so that no other worker sends them meanwhile."""
    earlier = OutboxMessage.objects.filter(
        endpoint_id=OuterRef("endpoint_id"),
        case_id=OuterRef("case_id"),
        state=OutboxMessage.State.PENDING,
        pk__lt=OuterRef("pk"),
    )
    with transaction.atomic():
        claimed = list(
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
            .filter(endpoint__disabled_at__isnull=True)
            .filter(~Exists(earlier))
            .select_related("endpoint")
            .order_by("pk")[:limit]
        )
        OutboxMessage.objects.filter(pk__in=[m.pk for m in claimed]).update(
            next_attempt_at=now + LEASE
        )
    return claimed


def deliver_due(*, limit: int = 100, client: httpx.Client | None = None) -> int:
    """Send what is due now; returns how many were delivered."""
    delivered, tried = 0, 0
    with client or http_client() as http:
        # Again while there is more: the next message of a case becomes due
        # once the one before it is delivered. A failed one moves to the
        # future, so this ends.
        while tried < limit and (batch := _claim(timezone.now(), limit - tried)):
            outcomes, since = [], time.monotonic()
            for message in batch:
                outcomes.append((message, *_post(message, http)))
                # Recorded a few at a time: one commit for several messages,
                # yet never long after the POST (the lease is a minute).
                if len(outcomes) >= RECORD_EVERY or time.monotonic() - since > 1:
                    delivered += _record_all(outcomes)
                    outcomes, since = [], time.monotonic()
            delivered += _record_all(outcomes)
            tried += len(batch)
    return delivered


def _post(message: OutboxMessage, http: httpx.Client) -> tuple:
    """POST the message; (status, error, retry_after, duration in ms)."""
    endpoint = message.endpoint
    body = _json(message.payload)
    sent_at = timezone.now()
    headers = {
        "content-type": "application/cloudevents+json",
        "webhook-id": message.webhook_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": " ".join(
            Webhook(secret).sign(message.webhook_id, sent_at, body)
            for secret in endpoint.secrets(sent_at)
        ),
        "user-agent": "Etjanst-Webhooks/1",
    }
    status, error, retry_after = None, "", None
    started = time.monotonic()
    try:
        response = http.post(endpoint.url, content=body.encode(), headers=headers)
        status = response.status_code
        retry_after = _retry_after(response.headers.get("retry-after"))
    except RefusedAddress as exc:
        error = f"refused: {exc}"
    except httpx.HTTPError as exc:
        error = exc.__class__.__name__
    duration = int((time.monotonic() - started) * 1000)
    return status, error, retry_after, duration


def _record_all(outcomes: list[tuple]) -> int:
    """Record the outcomes in one transaction; returns how many were delivered."""
    if not outcomes:
        return 0
    with transaction.atomic():
        return sum(_record(*outcome) for outcome in outcomes)


def _record(message, status, error, retry_after, duration) -> bool:
    now = timezone.now()
    WebhookAttempt.objects.create(
        message=message, at=now, status_code=status, error=error[:300], duration_ms=duration
    )
    message.attempts += 1
    message.last_status, message.last_error = status, error[:300]
    if status is not None and 200 <= status < 300:
        message.state, message.delivered_at = OutboxMessage.State.DELIVERED, now
        message.save(update_fields=[*RECORDED, "delivered_at"])
        if message.endpoint.delivered_on_2xx and message.event_type == "case.submitted":
            # The subscription says a 2xx is enough: the case counts as delivered.
            Delivery.objects.get_or_create(
                case_id=message.case_id,
                client_id=message.endpoint.client_id,
                defaults={
                    "external_id": message.webhook_id,
                    "method": Delivery.Method.WEBHOOK,
                    "confirmed_at": now,
                },
            )
        return True
    if status == 410:  # the receiver says: this endpoint is gone
        WebhookEndpoint.objects.filter(pk=message.endpoint_id).update(
            disabled_at=now, disabled_reason="410 Gone"
        )
        logger.warning("Webhook endpoint %s disabled: 410 Gone", message.endpoint_id)
    if message.attempts > len(RETRY_DELAYS):
        message.state = OutboxMessage.State.FAILED
    else:
        delay = RETRY_DELAYS[message.attempts - 1]
        if retry_after is not None and status in {429, 502, 503, 504}:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        message.next_attempt_at = now + delay
    message.save(update_fields=[*RECORDED, "next_attempt_at"])
    logger.info(
        "Webhook %s to endpoint %s: %s", message.webhook_id, message.endpoint_id, status or error
    )
    return False


def _retry_after(value: str | None) -> timedelta | None:
    if value and value.strip().isdigit():
        return timedelta(seconds=int(value.strip()))
    return None


def _json(payload: dict) -> str:
    import json

    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


@task()
def deliver_webhooks() -> int:
    """The worker's part: send what is due (also run every minute by the
    workers' schedule, for the retries)."""
    return deliver_due()
