"""Task workers' heartbeats, stranded tasks run again, overdue tasks reported.

django-tasks-db marks a task RUNNING with the worker's id and never looks at
it again: a worker killed mid-task (kill -9 in a deploy, an OOM kill, a lost
machine) leaves it RUNNING forever, and a receipt or an e-mail is silently
lost. Each worker here writes a heartbeat row every few seconds; every
worker, every few seconds, looks for RUNNING tasks whose worker's heartbeat
has stopped and makes them READY again (or FAILED after too many strandings,
so a task that kills its worker cannot loop forever). Tasks are written to be
idempotent, so a task run again does its work once.

A heartbeat rather than a lease per task: one small UPDATE per worker every
few seconds, whatever the tasks do, and no change to how django-tasks-db
claims and finishes tasks.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

STRANDED = "etjanst.jobs.workers.StrandedTask"


class StrandedTask(Exception):
    """The worker running the task stopped (killed) too many times."""


def beat(worker_id: str, *, started_at=None, kind: str = WorkerHeartbeat.Kind.TASKS) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(
            worker_id=worker_id,
            kind=kind,
            host=socket.gethostname()[:255],
            pid=os.getpid(),
            started_at=started_at or now,
            beat_at=now,
        )


def stopped(worker_id: str) -> None:
    """A worker that stops cleanly says so (its tasks are finished)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _dead_after() -> timedelta:
    return timedelta(seconds=settings.ETJANST_WORKER_DEAD_AFTER)


def live_workers(kind: str = WorkerHeartbeat.Kind.TASKS) -> list[str]:
    since = timezone.now() - _dead_after()
    alive = WorkerHeartbeat.objects.filter(kind=kind, beat_at__gte=since)
    return list(alive.values_list("worker_id", flat=True))


def rescue_stranded() -> int:
    """Make tasks whose worker died READY again (or FAILED after too many
    tries). Safe to run in every worker at once: each change is a
    compare-and-set on the task's status and worker list."""
    now = timezone.now()
    alive = set(live_workers())
    candidates = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - _dead_after()
    ).values_list("pk", "worker_ids", "task_path")
    rescued = 0
    for pk, worker_ids, task_path in candidates:
        if worker_ids and worker_ids[-1] in alive:
            continue
        tries = len(worker_ids)
        same = DBTaskResult.objects.filter(
            pk=pk, status=TaskResultStatus.RUNNING, worker_ids=worker_ids
        )
        if tries >= settings.ETJANST_TASK_MAX_STRANDINGS:
            changed = same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=STRANDED,
                traceback=(
                    f"{STRANDED}: the worker running this task stopped {tries} times "
                    "(killed, or out of memory?); not run again."
                ),
            )
            if changed:
                logger.error("Task %s (%s) stranded %d times: failed", pk, task_path, tries)
        else:
            with transaction.atomic():
                changed = same.update(status=TaskResultStatus.READY, run_after=now)
            if changed:
                logger.warning(
                    "Task %s (%s) was stranded by a stopped worker: queued again (try %d)",
                    pk,
                    task_path,
                    tries + 1,
                )
        rescued += changed
    return rescued


def overdue_tasks():
    """Tasks not finished within their deadline: waiting (no worker takes
    them) or running (stuck) for longer than ETJANST_TASK_DEADLINE."""
    limit = timezone.now() - timedelta(seconds=settings.ETJANST_TASK_DEADLINE)
    # A task enqueued to run at once has run_after = the largest date.
    waiting = Q(status=TaskResultStatus.READY) & (
        Q(run_after__lt=limit) | Q(run_after=get_date_max(), enqueued_at__lt=limit)
    )
    running = Q(status=TaskResultStatus.RUNNING, started_at__lt=limit)
    return DBTaskResult.objects.filter(waiting | running)


def report_overdue() -> int:
    """Log one ERROR line while any task is overdue (for the log alert)."""
    overdue = list(overdue_tasks().values_list("task_path", flat=True)[:1000])
    if overdue:
        names = sorted({path.rsplit(".", 1)[-1] for path in overdue})
        logger.error(
            "%d background task(s) past their deadline (%s): see admin, "
            "Bakgrundsjobb > Försenade bakgrundsjobb",
            len(overdue),
            ", ".join(names),
        )
    return len(overdue)


def prune_heartbeats() -> None:
    WorkerHeartbeat.objects.filter(beat_at__lt=timezone.now() - timedelta(days=1)).delete()
