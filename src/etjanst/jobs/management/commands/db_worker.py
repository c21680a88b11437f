"""manage.py db_worker: django-tasks-db's worker, plus what a fleet of them
needs (jobs/workers.py, jobs/schedule.py):

* a heartbeat every ETJANST_WORKER_HEARTBEAT seconds, so a task stranded by
  a killed worker is found and run again by another;
* every ETJANST_WORKER_HOUSEKEEPING seconds: stranded tasks queued again,
  scheduled jobs enqueued (once per schedule across all workers), an ERROR
  logged while any task is past its deadline;
* recycling (jobs/recycling.py): with --recycle-after-tasks or
  --recycle-above-mb (ETJANST_WORKER_RECYCLE_AFTER_TASKS,
  ETJANST_WORKER_RECYCLE_ABOVE_MB) the command supervises a forked worker
  process, which finishes its task and ends at the limit, and forks a new
  one.

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

from etjanst.jobs import recycling, schedule, workers

logger = logging.getLogger("etjanst.jobs")


class Housekeeper(threading.Thread):
    """Beats and keeps house beside the worker's main loop, with its own
    database connection, so a long task (a large PDF) does not stop the beat."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.stop_event = threading.Event()
        self.started_at = timezone.now()
        self.said_stopped = False

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
                self.said_stopped = True
            connection.close()

    def keep_house(self) -> None:
        workers.rescue_stranded()
        schedule.tick(self.worker_id)
        workers.report_overdue()
        workers.prune_heartbeats()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=10)
        if not self.said_stopped:
            # The thread's last word failed (a locked or busy database): a
            # worker that ends cleanly must not look stranded-in-waiting.
            with contextlib.suppress(DatabaseError):
                workers.stopped(self.worker_id)


class ResilientWorker(db_worker.Worker):
    """django-tasks-db's worker stops on a database error (a restart, a
    failover); this one logs it, waits and goes on with a new connection.
    With recycling limits it stops, after the task it runs, once it has run
    `recycle_after_tasks` tasks or grown above `recycle_above_mb` MB."""

    def __init__(self, *, recycle_after_tasks: int = 0, recycle_above_mb: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.recycle_after_tasks = recycle_after_tasks
        self.recycle_above_mb = recycle_above_mb
        self.tasks_run = 0
        self.stop_asked_at = 0.0

    def shutdown(self, signum, frame) -> None:
        # Under the supervisor a stop can come twice at once (to the whole
        # process group or cgroup, and passed on by the supervisor): the
        # second must not cut the running task short.
        if not self.running and time.monotonic() - self.stop_asked_at < 2.0:
            return
        self.stop_asked_at = time.monotonic()
        super().shutdown(signum, frame)

    def run_task(self, db_task_result) -> None:
        super().run_task(db_task_result)
        self.tasks_run += 1
        if self.running and self.should_recycle():
            self.running = False  # the loop ends after this task: nothing is left RUNNING

    def should_recycle(self) -> bool:
        if self.recycle_after_tasks and self.tasks_run >= self.recycle_after_tasks:
            logger.info("Worker %s ran %d tasks: recycled", self.worker_id, self.tasks_run)
            return True
        if self.recycle_above_mb and (rss := recycling.rss_mb()) > self.recycle_above_mb:
            logger.info(
                "Worker %s uses %.0f MB (limit %d MB) after %d tasks: recycled",
                self.worker_id,
                rss,
                self.recycle_above_mb,
                self.tasks_run,
            )
            return True
        return False

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

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--recycle-after-tasks",
            type=int,
            default=settings.ETJANST_WORKER_RECYCLE_AFTER_TASKS,
            help="Start a new worker process after this many tasks (0: never).",
        )
        parser.add_argument(
            "--recycle-above-mb",
            type=int,
            default=settings.ETJANST_WORKER_RECYCLE_ABOVE_MB,
            help="Start a new worker process when this one uses more memory, in MB (0: never).",
        )

    def worker_process_started(self) -> None:
        """Called in the process that runs the tasks (the forked one when
        recycling), before the first task."""

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
        recycle_after_tasks=0,
        recycle_above_mb=0,
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

        def run(generation: int = 1) -> None:
            this_id = recycling.generation_id(worker_id, generation)
            self.worker_process_started()
            worker = ResilientWorker(
                queue_names=queue_names,
                interval=interval,
                batch=False,
                backend_name=backend_name,
                startup_delay=startup_delay and generation == 1,
                max_tasks=max_tasks,
                worker_id=this_id,
                excluded_queue_names=excluded,
                recycle_after_tasks=recycle_after_tasks,
                recycle_above_mb=recycle_above_mb,
            )
            housekeeper = Housekeeper(this_id)
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

        # The autoreloader (development) restarts the process itself, and
        # --max-tasks (django-tasks-db's) means: then end for good.
        if (recycle_after_tasks or recycle_above_mb) and not reload and max_tasks is None:
            code = recycling.supervise(run)
            if code:
                raise SystemExit(code)
        else:
            run()
