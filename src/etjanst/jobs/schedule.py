"""Scheduled work (draft expiry, reminders, purges, pruning) run once per
schedule by whichever task worker gets there first.

Why this design: the workers already run everywhere the platform runs (the
demo, one VM, a Kubernetes deployment with many replicas), share one
database and already recover stranded tasks. So there is no cron line to
forget, no single scheduler process to keep alive, and no second lock
service. Every worker, every few seconds, looks at each schedule's row; the
one whose compare-and-set UPDATE moves `due_at` to the next time enqueues
the job as an ordinary task in the same transaction. Hence:

* never twice: only one UPDATE can match the old `due_at`;
* never zero times: if the worker dies before its commit, the row is still
  due and another worker takes it; after the commit the job is a task in the
  queue, run by any worker, and run again if its worker dies mid-run
  (workers.rescue_stranded). A job missed while every worker was down runs
  once when one comes back (not once per missed day);
* the jobs themselves are idempotent management commands, so the rare run
  again after a kill -9 does no harm.

settings.ETJANST_SCHEDULE: {name: {"command": ..., "args": [...],
"at": "HH:MM" (daily, Europe/Stockholm) or "every": seconds}}.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ScheduledRun
from .tasks import run_scheduled

logger = logging.getLogger(__name__)


def next_time(entry: dict, after: datetime) -> datetime:
    """The first time the entry is due strictly after `after`."""
    if "every" in entry:
        return after + timedelta(seconds=float(entry["every"]))
    hour, minute = (int(part) for part in entry["at"].split(":"))
    local = timezone.localtime(after)
    candidate = timezone.make_aware(datetime.combine(local.date(), time(hour, minute)))
    if candidate <= after:
        candidate = timezone.make_aware(
            datetime.combine(local.date() + timedelta(days=1), time(hour, minute))
        )
    return candidate


def tick(worker_id: str, *, schedule: dict | None = None) -> list[str]:
    """Enqueue every job that is due, each by one worker only. Returns the
    names this worker enqueued."""
    schedule = settings.ETJANST_SCHEDULE if schedule is None else schedule
    now = timezone.now()
    rows = dict(ScheduledRun.objects.values_list("name", "due_at"))
    enqueued = []
    for name, entry in schedule.items():
        if name not in rows:
            try:
                with transaction.atomic():
                    ScheduledRun.objects.create(name=name, due_at=next_time(entry, now))
            except IntegrityError:  # another worker created it a moment ago
                pass
            continue
        due_at = rows[name]
        if due_at > now:
            continue
        with transaction.atomic():
            won = ScheduledRun.objects.filter(name=name, due_at=due_at).update(
                due_at=next_time(entry, now), last_enqueued_at=now, last_worker_id=worker_id
            )
            if won:
                run_scheduled.enqueue(name=name)
        if won:
            logger.info("Scheduled job %s enqueued (due %s)", name, due_at.isoformat())
            enqueued.append(name)
    return enqueued
