"""The daily digest to the administrators of integrations, and to each
e-service's contact (when it is an e-mail address) about that e-service's
cases: per receiving system, how many webhook messages have failed (after
every retry), how many are still being retried, and how many cases a
required receiver has not confirmed after a day. Counts and names of systems only: no registration
numbers, no personal data (Open Forms sends a daily digest of failures too).
Nothing is sent on a day with nothing to report."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission as DjangoPermission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from etjanst.cases.models import Case
from etjanst.eservices.models import EService
from etjanst.notifications.emails import send, site_link

from .access import MANAGE_PERMISSION
from .models import ApiClient, Delivery, OutboxMessage

logger = logging.getLogger(__name__)
UNCONFIRMED_AFTER = timedelta(days=1)


@dataclass
class Line:
    client: ApiClient
    failed: int
    failed_today: int
    retrying: int
    unconfirmed: int
    link: str


def digest_lines(*, now: datetime, eservice: EService | None = None) -> list[Line]:
    """One line per system with something to report; only about the cases
    of `eservice` when given."""
    day_ago = now - timedelta(days=1)
    stuck_since = now - timedelta(hours=1)
    about = Q(endpoints__outbox__case__eservice=eservice) if eservice else Q()
    clients = ApiClient.objects.filter(revoked_at__isnull=True).annotate(
        failed=Count(
            "endpoints__outbox",
            filter=about & Q(endpoints__outbox__state=OutboxMessage.State.FAILED),
            distinct=True,
        ),
        failed_today=Count(
            "endpoints__outbox",
            filter=about
            & Q(
                endpoints__outbox__state=OutboxMessage.State.FAILED,
                endpoints__outbox__tries__at__gte=day_ago,
            ),
            distinct=True,
        ),
        retrying=Count(
            "endpoints__outbox",
            filter=about
            & Q(
                endpoints__outbox__state=OutboxMessage.State.PENDING,
                endpoints__outbox__attempts__gt=0,
                endpoints__outbox__created_at__lt=stuck_since,
            ),
            distinct=True,
        ),
    )
    lines = []
    for client in clients:
        required = client.required_for.all()
        if eservice:
            required = required.filter(pk=eservice.pk)
        unconfirmed = (
            Case.objects.filter(
                eservice__in=required,
                purged_at__isnull=True,
                received_at__lt=now - UNCONFIRMED_AFTER,
            )
            .filter(~Exists(Delivery.objects.filter(case=OuterRef("pk"), client=client)))
            .count()
            if required.exists()
            else 0
        )
        if client.failed or client.retrying or unconfirmed:
            lines.append(
                Line(
                    client=client,
                    failed=client.failed,
                    failed_today=client.failed_today,
                    retrying=client.retrying,
                    unconfirmed=unconfirmed,
                    link=site_link("staff:integration_client", client.pk),
                )
            )
    return lines


def administrators() -> list[str]:
    """E-mail addresses of active superusers and holders of the permission."""
    app_label, codename = MANAGE_PERMISSION.split(".")
    permission = DjangoPermission.objects.filter(
        content_type__app_label=app_label, codename=codename
    )
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
        .distinct()
    )
    return sorted({user.email for user in users})


def contact_address(eservice: EService) -> str | None:
    """The e-service's contact when it is an e-mail address (it may also be
    a phone number or a name)."""
    contact = eservice.contact.strip()
    try:
        validate_email(contact)
    except ValidationError:
        return None
    return contact


def send_failure_digest(*, now: datetime | None = None) -> int:
    """Send the digest to each administrator, and each e-service's own part
    to its contact (one e-mail each); returns how many were sent (0 on a
    quiet day)."""
    now = now or timezone.now()
    lines = digest_lines(now=now)
    if not lines:
        return 0
    date, link = timezone.localdate(now), site_link("staff:integrations")
    recipients = administrators()
    for recipient in recipients:
        send("integration_digest", recipient, {"lines": lines, "date": date, "link": link})
    sent = len(recipients)
    for eservice in EService.objects.exclude(contact="").order_by("pk"):
        address = contact_address(eservice)
        own = digest_lines(now=now, eservice=eservice) if address else []
        if own:
            context = {"lines": own, "date": date, "link": link, "eservice": eservice}
            send("integration_digest", address, context)
            sent += 1
    logger.info("Integration digest: %d systems, %d e-mails", len(lines), sent)
    return sent
