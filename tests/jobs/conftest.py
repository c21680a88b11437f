"""Fault tests start real `manage.py db_worker` processes on the test's own
database (SQLite file or PostgreSQL) and kill them."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """`manage.py db_worker` subprocesses with quick heartbeats."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen] = []
        self.paused_file = tmp_path / "paused"  # made by a paused worker when it stops

    def env(self, **extra) -> dict:
        return {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "DJANGO_SETTINGS_MODULE": "etjanst.config.settings.test",
            "DATABASE_URL": database_url(),
            "ETJANST_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_PORT": str(settings.EMAIL_PORT),
            "ETJANST_WORKER_HEARTBEAT": "0.3",
            "ETJANST_WORKER_DEAD_AFTER": "2",
            "ETJANST_WORKER_HOUSEKEEPING": "0.5",
            **extra,
        }

    def start(self, worker_id: str, *, pause_in: str = "", **extra) -> subprocess.Popen:
        """A worker; with `pause_in` ("module:function") it stops when it
        first calls that function, until killed (tests/faults/paused_worker.py)."""
        log = open(self.tmp_path / f"{worker_id}.log", "ab")  # noqa: SIM115
        program = ["manage.py"]
        if pause_in:
            program = [str(ROOT / "tests" / "faults" / "paused_worker.py")]
            extra |= {"FAULT_PAUSE_IN": pause_in, "FAULT_PAUSED_FILE": str(self.paused_file)}
        proc = subprocess.Popen(
            [
                *(sys.executable, *program, "db_worker", "--no-reload", "--no-startup-delay"),
                *("--interval", "0.2", "--worker-id", worker_id),
            ],
            cwd=ROOT,
            env=self.env(**extra),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def log(self, worker_id: str) -> str:
        return (self.tmp_path / f"{worker_id}.log").read_text(errors="replace")

    def stop(self, proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@pytest.fixture
def workers(tmp_path):
    pool = Workers(tmp_path)
    yield pool
    for proc in pool.procs:
        pool.stop(proc)


def wait_until(condition, *, timeout: float = 60, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
