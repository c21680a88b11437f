"""The daily digest to the administrators of integrations: per receiving
system, how many webhook messages have failed (after every retry), how many
are still being retried, and how many cases a required receiver has not
confirmed after a day. Counts and names of systems only: no registration
numbers, no personal data (Open Forms sends a daily digest of failures too).
Nothing is sent on a day with nothing to report."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission as DjangoPermission
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from etjanst.cases.models import Case
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


def digest_lines(*, now: datetime) -> list[Line]:
    day_ago = now - timedelta(days=1)
    stuck_since = now - timedelta(hours=1)
    clients = ApiClient.objects.filter(revoked_at__isnull=True).annotate(
        failed=Count(
            "endpoints__outbox",
            filter=Q(endpoints__outbox__state=OutboxMessage.State.FAILED),
            distinct=True,
        ),
        failed_today=Count(
            "endpoints__outbox",
            filter=Q(
                endpoints__outbox__state=OutboxMessage.State.FAILED,
                endpoints__outbox__tries__at__gte=day_ago,
            ),
            distinct=True,
        ),
        retrying=Count(
            "endpoints__outbox",
            filter=Q(
                endpoints__outbox__state=OutboxMessage.State.PENDING,
                endpoints__outbox__attempts__gt=0,
                endpoints__outbox__created_at__lt=stuck_since,
            ),
            distinct=True,
        ),
    )
    lines = []
    for client in clients:
        unconfirmed = (
            Case.objects.filter(
                eservice__in=client.required_for.all(),
                purged_at__isnull=True,
                received_at__lt=now - UNCONFIRMED_AFTER,
            )
            .filter(~Exists(Delivery.objects.filter(case=OuterRef("pk"), client=client)))
            .count()
            if client.required_for.exists()
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


def send_failure_digest(*, now: datetime | None = None) -> int:
    """Send the digest to each administrator (one e-mail each); returns how
    many were sent (0 on a quiet day)."""
    now = now or timezone.now()
    lines = digest_lines(now=now)
    if not lines:
        return 0
    recipients = administrators()
    context = {
        "lines": lines,
        "date": timezone.localdate(now),
        "link": site_link("staff:integrations"),
    }
    for recipient in recipients:
        send("integration_digest", recipient, context)
    logger.info("Integration digest: %d systems, sent to %d", len(lines), len(recipients))
    return len(recipients)
