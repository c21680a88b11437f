"""manage.py db_worker: django-tasks-db's worker, plus what a fleet of them
needs (jobs/workers.py, jobs/schedule.py):

* a heartbeat every ETJANST_WORKER_HEARTBEAT seconds, so a task stranded by
  a killed worker is found and run again by another;
* every ETJANST_WORKER_HOUSEKEEPING seconds: stranded tasks queued again,
  scheduled jobs enqueued (once per schedule across all workers), an ERROR
  logged while any task is past its deadline.

Same name and options as django-tasks-db's command (this app comes first in
INSTALLED_APPS), so deployments change nothing. `--batch` (the tests' way of
draining the queue) does none of this.
"""

import contextlib
import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from etjanst.jobs import schedule, workers

logger = logging.getLogger("etjanst.jobs")


class Housekeeper(threading.Thread):
    """Beats and keeps house beside the worker's main loop, with its own
    database connection, so a long task (a large PDF) does not stop the beat."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stop_event = threading.Event()
        self.started_at = timezone.now()

    def run(self) -> None:
        last_housekeeping = 0.0
        try:
            while not self.stop_event.is_set():
                try:
                    workers.beat(self.worker_id, started_at=self.started_at)
                    if time.monotonic() - last_housekeeping >= settings.ETJANST_WORKER_HOUSEKEEPING:
                        last_housekeeping = time.monotonic()
                        self.keep_house()
                except DatabaseError as error:
                    # The database restarts: try again at the next beat.
                    logger.error("Worker %s: database unavailable (%s)", self.worker_id, error)
                    close_old_connections()
                self.stop_event.wait(settings.ETJANST_WORKER_HEARTBEAT)
        finally:
            with contextlib.suppress(DatabaseError):
                workers.stopped(self.worker_id)
            connection.close()

    def keep_house(self) -> None:
        workers.rescue_stranded()
        schedule.tick(self.worker_id)
        workers.report_overdue()
        workers.prune_heartbeats()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)


class Command(db_worker.Command):
    help = db_worker.Command.help + " (with heartbeats, stranded-task recovery and schedules)"

    def handle(self, *args, batch: bool, worker_id: str, **options) -> None:
        if batch:
            return super().handle(*args, batch=batch, worker_id=worker_id, **options)
        housekeeper = Housekeeper(worker_id)
        housekeeper.start()
        try:
            return super().handle(*args, batch=batch, worker_id=worker_id, **options)
        finally:
            housekeeper.stop()
