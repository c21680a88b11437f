"""What `pip install .` gives an operator: the `etjanst` command, state
outside the virtualenv, one daily command that also prunes task results."""

import subprocess
import sys
import time
import tomllib
from datetime import timedelta

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.operations.conftest import ROOT, free_port, production_env


def test_pyproject_installs_the_etjanst_command():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["etjanst"] == "etjanst.__main__:main"


def test_the_etjanst_command_uses_the_production_settings(tmp_path):
    env = production_env(tmp_path, SECRET_KEY="short")
    env.pop("DJANGO_SETTINGS_MODULE")
    result = subprocess.run(
        [sys.executable, "-m", "etjanst", "check"], env=env, capture_output=True, text=True
    )
    # The production settings refuse a weak key: proof they were the ones loaded.
    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value" in result.stderr


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, "/var/lib/etjanst"),
        ({"ETJANST_VAR_DIR": "/srv/etjanst"}, "/srv/etjanst"),
    ],
)
def test_state_never_lands_in_the_virtualenv(tmp_path, extra, expected):
    # Installed: the package's grandparent is the virtualenv's lib/, no checkout.
    env = production_env(tmp_path, ETJANST_BASE_DIR=str(tmp_path / "lib"), **extra)
    if not extra:
        env.pop("ETJANST_VAR_DIR")
    code = "from django.conf import settings as s; print(s.VAR_DIR, s.MEDIA_ROOT, s.STATIC_ROOT)"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DATABASE_URL": "sqlite:////tmp/unused.sqlite3"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [expected, f"{expected}/media", f"{expected}/static"]


def _task_result(**fields) -> DBTaskResult:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="etjanst.notifications.tasks.example",
        backend_name="default",
        run_after=timezone.now(),
        **fields,
    )


@pytest.mark.django_db
def test_run_daily_prunes_old_task_results_and_keeps_recent_and_failed_ones():
    now = timezone.now()
    old = _task_result(status="SUCCESSFUL", finished_at=now - timedelta(days=31))
    recent = _task_result(status="SUCCESSFUL", finished_at=now - timedelta(days=2))
    failed = _task_result(status="FAILED", finished_at=now - timedelta(days=31))
    waiting = _task_result(status="READY")
    call_command("run_daily", verbosity=0)
    left = set(DBTaskResult.objects.values_list("id", flat=True))
    assert old.id not in left
    assert {recent.id, failed.id, waiting.id} <= left


def test_a_worker_serves_its_metrics_on_the_port_it_is_given(installation, tmp_path):
    port = free_port()
    env = production_env(installation, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    worker = subprocess.Popen(
        [sys.executable, "-m", "etjanst", "worker", "--metrics-port", str(port), "--interval", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/", timeout=1).text
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the worker's metrics never answered"
                time.sleep(0.3)
        assert "etjanst_emails_total" in text
    finally:
        worker.terminate()
        worker.wait(timeout=30)
