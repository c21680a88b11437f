"""Prometheus metrics (prometheus-client).

Counters and histograms live in the process that counts them; with several
gunicorn workers set PROMETHEUS_MULTIPROC_DIR (the container image does) and
the scrape adds them up. The queue is read from the database at scrape time,
so every web process answers the same numbers and the request path pays
nothing for it. Labels are few and bounded: never an id, a path or a person."""

from __future__ import annotations

import os
from collections.abc import Iterator

from django.db import transaction
from django.db.models import Count, Min, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "etjanst_http_requests_total",
    "HTTP requests answered, by method, route and status class.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "etjanst_http_request_duration_seconds",
    "Time from the first middleware to the response, by route.",
    ["route"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SUBMISSIONS = Counter("etjanst_submissions_total", "Cases received (sent in by residents).")
EMAILS = Counter(
    "etjanst_emails_total", "E-mails handed to the mail relay, by outcome.", ["outcome"]
)

# Known label values start at 0, so that rate() and alerts see them before
# the first failure (Prometheus' advice for counters with labels).
for _outcome in ("sent", "failed"):
    EMAILS.labels(_outcome)


class QueueCollector:
    """Background tasks waiting for a worker: how many, and how long the
    oldest has waited (a stuck or missing worker shows as a growing age)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        waiting = DBTaskResult.objects.ready()
        # A task waits from when it may run: its run_after (a retry an hour
        # later), or, without one, from when it was queued.
        summary = waiting.aggregate(
            count=Count("id"),
            queued=Min("enqueued_at", filter=Q(run_after=get_date_max())),
            due=Min("run_after", filter=~Q(run_after=get_date_max())),
        )
        count = summary["count"]
        oldest = min((t for t in (summary["queued"], summary["due"]) if t), default=None)
        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily(
            "etjanst_task_queue_length", "Background tasks ready and waiting.", value=count
        )
        yield GaugeMetricFamily(
            "etjanst_task_queue_oldest_age_seconds",
            "Seconds the oldest waiting task has waited (0 when none waits).",
            value=max(age, 0.0),
        )
        failed = DBTaskResult.objects.failed().count()
        yield GaugeMetricFamily(
            "etjanst_task_failed", "Failed task results kept (see admin).", value=failed
        )


def render(*, with_queue: bool = True) -> tuple[bytes, str]:
    """The exposition text for a scrape: this process's (or, in multiprocess
    mode, all processes') counters, and the queue read from the database."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    text = generate_latest(registry)
    if with_queue:
        queue = CollectorRegistry()
        queue.register(QueueCollector())
        text += generate_latest(queue)
    return text, CONTENT_TYPE_LATEST


@receiver(post_save, sender="cases.Case", dispatch_uid="etjanst.operations.submissions")
def count_submission(sender, instance, created: bool, **kwargs) -> None:
    """A case row is created once, when a resident sends the form in."""
    if created:
        transaction.on_commit(SUBMISSIONS.inc)
