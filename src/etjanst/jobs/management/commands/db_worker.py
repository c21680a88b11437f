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
import os
import threading
import time

from django.conf import settings
from django.core.management.base import CommandError
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
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


class ResilientWorker(db_worker.Worker):
    """django-tasks-db's worker stops on a database error (a restart, a
    failover); this one logs it, waits and goes on with a new connection."""

    def run(self) -> None:
        while self.running:
            try:
                return super().run()
            except (OperationalError, InterfaceError) as error:
                logger.error("Worker %s: database unavailable (%s)", self.worker_id, error)
                close_old_connections()
                time.sleep(1.0)
                self.startup_delay = False


class Command(db_worker.Command):
    help = db_worker.Command.help + " (with heartbeats, stranded-task recovery and schedules)"

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ) -> None:
        if batch:  # the tests' way of draining the queue: django-tasks-db's own
            return super().handle(
                verbosity=verbosity,
                queue_name=queue_name,
                interval=interval,
                batch=batch,
                backend_name=backend_name,
                startup_delay=startup_delay,
                reload=False,
                max_tasks=max_tasks,
                worker_id=worker_id,
                exclude_queues=exclude_queues,
                **options,
            )
        self.configure_logging(verbosity)
        excluded = exclude_queues.split(",") if exclude_queues else []
        queue_names = queue_name.split(",")
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=False,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        housekeeper = Housekeeper(worker_id)
        housekeeper.start()
        try:
            if reload:
                if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                    worker.configure_signals()
                run_with_reloader(worker.run)
            else:
                worker.configure_signals()
                worker.run()
        finally:
            housekeeper.stop()
