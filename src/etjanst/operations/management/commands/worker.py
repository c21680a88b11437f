"""`etjanst worker`: the `db_worker` of etjanst.jobs, and, with --metrics-port
(or ETJANST_WORKER_METRICS_PORT), this worker's own counters (e-mails sent
and failed) for Prometheus on that port. The queue itself is measured by the
web's /metrics, from the database."""

import os

from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

# The resilient worker (heartbeats, stranded tasks, the schedule) of etjanst.jobs.
from etjanst.jobs.management.commands.db_worker import Command as DBWorkerCommand


class Command(DBWorkerCommand):
    help = "Run background tasks (db_worker), optionally serving metrics on a port."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--metrics-port",
            type=int,
            default=int(os.environ.get("ETJANST_WORKER_METRICS_PORT") or 0),
            help="Serve Prometheus metrics on this port (0: off).",
        )

    def handle(self, *args, metrics_port: int = 0, **options) -> None:
        self.metrics_port = metrics_port
        return super().handle(*args, **options)

    def worker_process_started(self) -> None:
        # In the process that runs the tasks (a recycled worker's successor
        # serves the port again; its counters start from zero unless
        # PROMETHEUS_MULTIPROC_DIR keeps them).
        if self.metrics_port:
            registry = REGISTRY
            if folder := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
                # The image sets it for gunicorn; one worker process reads its own files.
                os.makedirs(folder, exist_ok=True)
                registry = CollectorRegistry()
                MultiProcessCollector(registry)
            start_http_server(self.metrics_port, registry=registry)
