"""A worker killed (kill -9) in the middle of a task: the task is found
stranded, run again by another worker, and its effect happens once. Real
worker processes, the real SMTP server, the test's real database."""

import os
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from etjanst.cases.models import Case
from etjanst.jobs.models import WorkerHeartbeat
from tests.eservices.factories import EServiceFactory
from tests.jobs.conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [
                {"id": "kontakt", "type": "contact", "label": "Kontakt", "required": True},
            ],
        }
    ]
}


def receipt_files() -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "receipts"
    return {str(path) for path in folder.rglob("*.pdf")}


def send_a_case(client) -> Case:
    """Through the resident's pages, as a browser without JavaScript."""
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    client.post(reverse("portal:start", args=[eservice.slug]), {"anonymous": "no"})
    client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_kontakt__name": "Testa Testsson", "q_kontakt__email": "testa@example.se"}
        | {"shown": ["kontakt"]},
    )
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    key = review.context["submission_key"]
    response = client.post(reverse("portal:review", args=[eservice.slug]), {"submission_key": key})
    assert response.status_code == 302
    return Case.objects.order_by("-pk").first()


def test_a_worker_killed_mid_email_strands_the_task_and_another_sends_it_once(
    client, mailbox, workers
):
    receipts_before = receipt_files()
    mailbox.hold()  # the mail server takes the message but does not answer yet
    case = send_a_case(client)
    first = workers.start("worker-a")
    assert mailbox.data_waiting.wait(60), workers.log("worker-a")
    os.kill(first.pid, signal.SIGKILL)  # mid-e-mail
    first.wait(10)
    mailbox.release()
    task = DBTaskResult.objects.get(task_path__endswith="send_confirmation_email")
    assert (task.status, task.worker_ids) == ("RUNNING", ["worker-a"])  # stranded

    workers.start("worker-b")
    wait_until(
        lambda: Case.objects.filter(pk=case.pk, confirmation_sent_at__isnull=False).exists(),
        what="the confirmation after the rescue",
    )
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert task.worker_ids == ["worker-a", "worker-b"]  # run again by the other worker
    assert len(mailbox.wait_for(2, timeout=2)) == 1  # and sent exactly once
    assert "stranded by a stopped worker" in workers.log("worker-b")
    case.refresh_from_db()
    assert receipt_files() - receipts_before == {case.receipt_pdf.path}  # one PDF


def test_a_worker_that_stops_cleanly_leaves_no_heartbeat_and_no_task_behind(
    client, mailbox, workers
):
    send_a_case(client)
    worker = workers.start("worker-c")
    wait_until(lambda: len(mailbox.messages) == 1, what="the confirmation")
    assert WorkerHeartbeat.objects.filter(worker_id="worker-c").exists()
    workers.stop(worker)
    assert worker.returncode == 0
    assert not WorkerHeartbeat.objects.exists()
    assert not DBTaskResult.objects.filter(status="RUNNING").exists()
