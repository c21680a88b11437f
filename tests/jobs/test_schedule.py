"""Scheduled work: enqueued once per schedule across many workers, never
twice, and not lost when workers are down at the time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from etjanst.jobs import schedule
from etjanst.jobs.models import ScheduledRun

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NIGHTLY = {"nightly": {"command": "clearsessions", "at": "03:00"}}


def make_due(name="nightly", minutes_ago=1):
    ScheduledRun.objects.filter(name=name).update(
        due_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def test_a_daily_job_is_due_at_its_local_time_next():
    after = datetime(2026, 3, 28, 3, 30, tzinfo=STOCKHOLM)  # the night before summer time
    assert schedule.next_time({"at": "03:00"}, after) == datetime(
        2026, 3, 29, 3, 0, tzinfo=STOCKHOLM
    )
    before = datetime(2026, 3, 28, 2, 0, tzinfo=STOCKHOLM)
    assert schedule.next_time({"at": "03:00"}, before).hour == 3
    assert schedule.next_time({"every": 60}, before) == before + timedelta(seconds=60)


def test_many_workers_enqueue_a_due_job_once():
    assert schedule.tick("w1", schedule=NIGHTLY) == []  # first look: row created, not due
    assert ScheduledRun.objects.get().due_at > timezone.now()
    make_due()
    won = [schedule.tick(worker, schedule=NIGHTLY) for worker in ("w1", "w2", "w3")]
    assert won == [["nightly"], [], []]
    task = DBTaskResult.objects.get(task_path__endswith="run_scheduled")
    assert task.args_kwargs["kwargs"] == {"name": "nightly"}
    row = ScheduledRun.objects.get()
    assert row.last_worker_id == "w1" and row.due_at > timezone.now()


def test_a_job_missed_while_every_worker_was_down_runs_once_when_one_is_back(run_tasks):
    schedule.tick("w1", schedule=NIGHTLY)
    make_due(minutes_ago=3 * 24 * 60)  # three nights without a worker
    assert schedule.tick("w2", schedule=NIGHTLY) == ["nightly"]
    assert schedule.tick("w2", schedule=NIGHTLY) == []
    assert DBTaskResult.objects.count() == 1


def test_the_scheduled_task_runs_the_command(settings, run_tasks):
    settings.ETJANST_SCHEDULE = NIGHTLY
    schedule.tick("w1")
    make_due()
    schedule.tick("w1")
    run_tasks()
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "done")
