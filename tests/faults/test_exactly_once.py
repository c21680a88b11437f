"""kill -9 of a worker in the middle of a PDF, an e-mail and a webhook: the
task is run again by another worker and its effect happens once — one PDF,
one e-mail per recipient; a webhook is delivered again with the same
`webhook-id` (at least once, as Standard Webhooks promise) and the
receiving system handles it once. Real worker processes, the real SMTP
server, the reference receiver over HTTP, the test's real database."""

import os
import signal
import threading
import uuid

import pytest
from django_tasks_db.models import DBTaskResult

from etjanst.cases.models import Case
from etjanst.integrations.models import Delivery, OutboxMessage, WebhookEndpoint
from etjanst.notifications.models import SentEmail
from etjanst.simulators.casemanagement import CaseManagementSystem, start
from etjanst.submissions.actions import submit_form
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.jobs.conftest import wait_until
from tests.jobs.test_stranded_tasks import receipt_files
from tests.staff_accounts import staff_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]

# No e-mail question: the resident gets no confirmation, so the officers'
# notices are the only e-mails.
FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True}
            ],
        }
    ]
}


def new_case(eservice) -> Case:
    return submit_form(
        version=eservice.current_version,
        answers={"rubrik": "Altan"},
        upload_owner="",
        submission_key=uuid.uuid4(),
    )


def kill(worker) -> None:
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)


def finished(task: DBTaskResult) -> DBTaskResult:
    wait_until(
        lambda: DBTaskResult.objects.filter(pk=task.pk, status="SUCCESSFUL").exists(),
        what=f"{task.task_path} to finish",
    )
    task.refresh_from_db()
    return task


def stranded(task_name: str, worker_id: str) -> DBTaskResult:
    task = DBTaskResult.objects.get(task_path__endswith=task_name)
    assert (task.status, task.worker_ids) == ("RUNNING", [worker_id])
    return task


def test_a_worker_killed_mid_pdf_leaves_one_receipt(workers):
    before = receipt_files()
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    case = new_case(eservice)
    first = workers.start("worker-pdf", pause_in="weasyprint:HTML")
    wait_until(workers.paused_file.exists, what="the worker in the middle of the PDF")
    kill(first)
    task = stranded("render_receipt_pdf", "worker-pdf")
    assert receipt_files() == before  # nothing half made is kept

    workers.start("worker-rescue")
    wait_until(
        lambda: Case.objects.filter(pk=case.pk).exclude(receipt_pdf="").exists(),
        what="the receipt after the rescue",
    )
    assert finished(task).worker_ids == ["worker-pdf", "worker-rescue"]
    case.refresh_from_db()
    assert receipt_files() - before == {case.receipt_pdf.path}  # exactly one PDF
    assert case.receipt_pdf.read().startswith(b"%PDF")


def test_a_worker_killed_mid_notice_sends_each_officer_one_notice(mailbox, workers):
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    for name in ("anna", "bertil"):
        staff_user(name, committee=eservice.committee, notify_new_cases=True)
    mailbox.hold(after=1)  # the first officer's notice goes through, the second waits
    case = new_case(eservice)
    first = workers.start("worker-mail")
    assert mailbox.data_waiting.wait(60), workers.log("worker-mail")
    kill(first)  # between the first officer's notice and the second's
    mailbox.release()  # the held one is refused (never committed by the relay)
    task = stranded("notify_officers", "worker-mail")
    assert [m["To"] for m in mailbox.messages] == ["anna@exempelby.se"]

    workers.start("worker-rescue")
    wait_until(lambda: len(mailbox.messages) == 2, what="the second officer's notice")
    assert finished(task).worker_ids == ["worker-mail", "worker-rescue"]
    assert len(mailbox.wait_for(3, timeout=2)) == 2  # anna was not sent hers again
    assert sorted(m["To"] for m in mailbox.messages) == ["anna@exempelby.se", "bertil@exempelby.se"]
    assert all(case.registration_number in m["Subject"] + m.get_content() for m in mailbox.messages)
    assert SentEmail.objects.count() == 2


class HeldReceiver(CaseManagementSystem):
    """The reference receiver, with every delivery recorded and the first
    one held unanswered (as a receiver still working on it) until released."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.deliveries: list[str] = []  # webhook-id of every request, handled or not
        self.first_arrived, self.go_on = threading.Event(), threading.Event()

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        self.deliveries.append(headers["webhook-id"])
        if len(self.deliveries) == 1:
            self.first_arrived.set()
            self.go_on.wait(60)
        return super().handle(body, headers)


def test_a_worker_killed_mid_webhook_delivers_again_with_the_same_id_and_it_is_handled_once(
    workers, live_server
):
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    client, token = api_client("ByggR", eservices=[eservice])
    receiver = HeldReceiver(api=f"{live_server.url}/api/v1", token=token, secret="")
    server = start(receiver)
    try:
        endpoint = WebhookEndpoint.objects.create(
            client=client, url=f"http://127.0.0.1:{server.server_port}/hook"
        )
        receiver.secret = endpoint.secret
        env = {"ETJANST_WEBHOOK_ALLOW_PRIVATE": "true", "ETJANST_SCHEDULE_OFF": "true"}
        case = new_case(eservice)
        first = workers.start("worker-hook", **env)
        assert receiver.first_arrived.wait(60), workers.log("worker-hook")
        kill(first)  # the receiver has the request; its answer will find no one
        receiver.go_on.set()
        wait_until(lambda: receiver.handled, what="the receiver handling the first delivery")
        message = OutboxMessage.objects.get(case=case)
        assert message.state == OutboxMessage.State.PENDING  # Etjänst never heard the answer
        task = stranded("deliver_webhooks", "worker-hook")
        # The message's lease (60 s) runs out: made to run out now.
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)

        workers.start("worker-rescue", **env)
        wait_until(
            lambda: OutboxMessage.objects.filter(
                pk=message.pk, state=OutboxMessage.State.DELIVERED
            ).exists(),
            what="the delivery after the rescue",
        )
        assert finished(task).worker_ids == ["worker-hook", "worker-rescue"]
        assert receiver.deliveries == [message.webhook_id, message.webhook_id]  # at least once
        assert receiver.handled == [message.webhook_id]  # the receiver handled it once
        assert list(receiver.cases) == [case.pk]
        assert Delivery.objects.filter(case=case).count() == 1  # one confirmation back
        assert receiver.rejected == 0
    finally:
        server.shutdown()
        server.server_close()
