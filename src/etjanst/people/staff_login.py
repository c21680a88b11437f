"""Staff login: the audit of every attempt, and the lockout after repeated
failures (counted in the database, so it holds across web processes)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import StaffLogin

logger = logging.getLogger(__name__)
FAILURES = [StaffLogin.Outcome.BAD_PASSWORD, StaffLogin.Outcome.BAD_CODE]


def is_locked(username: str) -> bool:
    """Too many failures for this username lately (since its last success)."""
    username = username.strip().lower()[:150]
    since = timezone.now() - timedelta(minutes=settings.ETJANST_STAFF_LOCKOUT_MINUTES)
    last_success = (
        StaffLogin.objects.filter(username=username, outcome=StaffLogin.Outcome.SUCCESS)
        .values_list("at", flat=True)
        .first()
    )
    if last_success and last_success > since:
        since = last_success
    failures = StaffLogin.objects.filter(username=username, outcome__in=FAILURES, at__gt=since)
    return failures.count() >= settings.ETJANST_STAFF_LOCKOUT_ATTEMPTS


def record(username: str, outcome: str, ip_address: str | None) -> None:
    username = username.strip().lower()[:150]
    StaffLogin.objects.create(username=username, outcome=outcome, ip_address=ip_address or None)
    if outcome != StaffLogin.Outcome.SUCCESS:
        logger.warning("Staff login %s for user %s", outcome, username)
