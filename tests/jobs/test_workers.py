"""Stranded tasks found by heartbeats, overdue tasks reported, in-process."""

import logging
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from etjanst.jobs import workers
from etjanst.jobs.models import WorkerHeartbeat
from etjanst.jobs.tasks import run_scheduled

pytestmark = pytest.mark.django_db


def running_task(*, worker_ids, started_minutes_ago=5) -> DBTaskResult:
    result = run_scheduled.enqueue(name="nothing")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        worker_ids=worker_ids,
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago),
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_a_task_of_a_worker_whose_heartbeat_stopped_is_queued_again(caplog):
    workers.beat("alive")
    WorkerHeartbeat.objects.create(
        worker_id="dead",
        host="h",
        pid=1,
        started_at=timezone.now(),
        beat_at=timezone.now() - timedelta(minutes=5),
    )
    on_dead = running_task(worker_ids=["dead"])
    on_alive = running_task(worker_ids=["alive"])
    with caplog.at_level(logging.WARNING):
        assert workers.rescue_stranded() == 1
    on_dead.refresh_from_db()
    on_alive.refresh_from_db()
    assert on_dead.status == "READY" and on_dead.run_after <= timezone.now()
    assert on_alive.status == "RUNNING"
    assert "stranded by a stopped worker" in caplog.text
    assert workers.rescue_stranded() == 0  # nothing twice


def test_a_task_just_started_is_not_taken_for_stranded_before_its_worker_beat():
    task = running_task(worker_ids=["new"], started_minutes_ago=0)
    assert workers.rescue_stranded() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"


def test_a_task_that_keeps_killing_its_worker_fails_for_good_with_an_error(settings, caplog):
    settings.ETJANST_TASK_MAX_STRANDINGS = 3
    task = running_task(worker_ids=["a", "b", "c"])
    with caplog.at_level(logging.ERROR):
        workers.rescue_stranded()
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == workers.STRANDED
    assert "stranded 3 times" in caplog.text


def test_a_task_past_its_deadline_is_logged_at_error_and_listed_in_admin(
    settings, caplog, admin_client
):
    settings.ETJANST_TASK_DEADLINE = 60
    waiting = run_scheduled.enqueue(name="nothing")
    DBTaskResult.objects.filter(pk=waiting.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=2)
    )
    fresh = run_scheduled.enqueue(name="nothing")
    assert [str(pk) for pk in workers.overdue_tasks().values_list("pk", flat=True)] == [waiting.id]
    with caplog.at_level(logging.ERROR):
        assert workers.report_overdue() == 1
    assert "1 background task(s) past their deadline (run_scheduled)" in caplog.text
    page = admin_client.get("/admin/jobs/overduetask/").content.decode()
    assert str(waiting.id) in page and str(fresh.id) not in page


def test_check_tasks_exits_1_without_a_live_worker_or_with_an_overdue_task(settings):
    with pytest.raises(SystemExit) as no_worker:
        call_command("check_tasks")
    assert no_worker.value.code == 1
    workers.beat("w")
    call_command("check_tasks")  # a live worker, nothing overdue: exit 0
    settings.ETJANST_TASK_DEADLINE = 0
    run_scheduled.enqueue(name="nothing")
    with pytest.raises(SystemExit):
        call_command("check_tasks")
