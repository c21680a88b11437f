"""SentEmail keys pruned once no task can send their e-mail again.

A key (emails.send(once=...)) only has to outlive the task that sent its
e-mail: a retry after a failed later recipient, or a rerun after the worker
died. Each e-mail task is enqueued once per effect (a case's notice, a
draft's reminder), so after the last possible rerun the key is dead weight:
one row per e-mail, for ever, without pruning."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import SentEmail
from .retry import RETRY_DELAYS


def sent_email_retention() -> timedelta:
    """Twice the longest time in which an e-mail task can run again: every
    retry delay (retry.RETRY_DELAYS, 17 h 21 min), plus the task deadline
    (ETJANST_TASK_DEADLINE, 30 min: how long a task may wait or run before
    it is overdue) for each of the attempts. About 42 hours by default."""
    attempts = len(RETRY_DELAYS) + 1
    deadline = timedelta(seconds=settings.ETJANST_TASK_DEADLINE)
    return 2 * (sum(RETRY_DELAYS, timedelta()) + attempts * deadline)


def prune_cutoff(now: datetime | None = None) -> datetime:
    """Keys sent before this can go. Counted from the oldest task not yet
    finished when that is older than now (workers down for days): its
    retries may still need the keys its earlier attempts recorded."""
    now = now or timezone.now()
    unfinished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    oldest = unfinished.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    since = min(now, oldest) if oldest else now
    return since - sent_email_retention()


def prune_sent_emails(*, now: datetime | None = None) -> int:
    """Delete the keys no task can need again; returns how many."""
    deleted, _ = SentEmail.objects.filter(sent_at__lt=prune_cutoff(now)).delete()
    return deleted
