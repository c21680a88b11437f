"""Task workers recycled after N tasks or above M MB (jobs/recycling.py):
the worker process finishes its task and ends, the supervisor forks a new
one under a new worker id, and no task is stranded or run twice. Real
`manage.py db_worker` processes on the test's database."""

import os
import signal
import time
from pathlib import Path

import pytest
from django_tasks_db.models import DBTaskResult

from etjanst.cases.tasks import render_receipt_pdf
from etjanst.jobs.models import WorkerHeartbeat
from etjanst.jobs.recycling import generation_id
from tests.jobs.conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def enqueue(count: int) -> None:
    # No such case: the task does nothing, quickly, and succeeds.
    for number in range(count):
        render_receipt_pdf.enqueue(case_id=10**9 + number)


def test_a_worker_recycled_after_n_tasks_strands_nothing_and_is_replaced(workers):
    enqueue(5)
    proc = workers.start("worker-r", ETJANST_WORKER_RECYCLE_AFTER_TASKS="2")
    wait_until(
        lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 5,
        what="every task run",
    )
    tasks = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert {task.status for task in tasks} == {"SUCCESSFUL"}
    assert all(len(task.worker_ids) == 1 for task in tasks)  # each run once, never rescued
    ids = sorted({task.worker_ids[0] for task in tasks})
    assert ids == ["worker-r", "worker-r-2", "worker-r-3"]  # 2 + 2 + 1
    assert proc.poll() is None  # the supervisor goes on
    log = workers.log("worker-r")
    assert log.count("ran 2 tasks: recycled") == 2
    assert "stranded" not in log

    # A task enqueued later is taken by the new worker process.
    enqueue(1)
    wait_until(
        lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 6,
        what="the later task",
    )
    later = DBTaskResult.objects.order_by("-enqueued_at").first()
    assert later.worker_ids == ["worker-r-3"]  # its second task: recycled after it
    wait_until(
        lambda: WorkerHeartbeat.objects.filter(worker_id="worker-r-4").exists(),
        what="the fourth worker process",
    )
    # Stopping the supervisor stops its worker cleanly: no heartbeat left behind.
    child = children(proc.pid)[0]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    assert not alive(child)
    assert not WorkerHeartbeat.objects.exists()


def test_a_worker_above_its_memory_limit_is_replaced(workers):
    enqueue(2)
    proc = workers.start("worker-m", ETJANST_WORKER_RECYCLE_ABOVE_MB="1")
    wait_until(
        lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2,
        what="both tasks run",
    )
    ids = sorted(task.worker_ids[0] for task in DBTaskResult.objects.all())
    assert ids == ["worker-m", "worker-m-2"]
    assert "(limit 1 MB) after 1 tasks: recycled" in workers.log("worker-m")
    assert proc.poll() is None


def test_a_worker_process_that_dies_is_replaced_under_a_new_id(workers):
    proc = workers.start("worker-d", ETJANST_WORKER_RECYCLE_AFTER_TASKS="100")
    first = wait_until(lambda: children(proc.pid), what="the worker process")[0]
    wait_until(
        lambda: WorkerHeartbeat.objects.filter(worker_id="worker-d").exists(),
        what="the first heartbeat",
    )
    os.kill(first, signal.SIGKILL)  # an OOM kill of the worker process alone
    # A new id: a task the dead process had taken is then seen as stranded.
    wait_until(
        lambda: WorkerHeartbeat.objects.filter(worker_id="worker-d-2").exists(),
        timeout=30,
        what="the new worker process",
    )
    assert proc.poll() is None
    assert "ended (exit -9): starting a new one" in workers.log("worker-d")


def test_a_killed_supervisor_takes_its_worker_process_with_it(workers):
    proc = workers.start("worker-k", ETJANST_WORKER_RECYCLE_AFTER_TASKS="100")
    child = wait_until(lambda: children(proc.pid), what="the worker process")[0]
    os.kill(proc.pid, signal.SIGKILL)  # as a single worker process would die
    proc.wait(10)
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(child)


def test_generation_ids_stay_within_64_characters():
    assert generation_id("worker-1", 1) == "worker-1"
    assert generation_id("worker-1", 12) == "worker-1-12"
    assert generation_id("w" * 64, 3) == "w" * 62 + "-3"
