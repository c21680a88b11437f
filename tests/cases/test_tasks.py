"""Background work after submit: the PDF receipt and the confirmation e-mail,
through the real task backend and worker; retried while the mail server is down."""

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from etjanst.cases.models import Case
from etjanst.simulators.mailbox import free_port
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit

PERSONNUMMER_FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [
                {"id": "pnr", "type": "personnummer", "label": "Personnummer", "required": True},
                {"id": "kontakt", "type": "contact", "label": "Kontakt", "required": True},
            ],
        }
    ]
}


def send_one(client) -> Case:
    eservice = EServiceFactory(form=PERSONNUMMER_FORM, committee__prefix="SN")
    start(client, eservice)
    post_step(
        client,
        eservice,
        1,
        {
            "q_pnr": "19810508-2393",
            "q_kontakt__name": "Testa Testsson",
            "q_kontakt__email": "testa@example.se",
        },
    )
    response = submit(client, eservice)
    assert response.status_code == 302
    return Case.objects.get()


def test_the_confirmation_holds_no_personnummer_and_no_answers(client, mailbox, run_tasks):
    case = send_one(client)
    run_tasks()
    message = mailbox.wait_for(1)[0]
    body = message.get_body(("plain",)).get_content()
    assert case.registration_number in message["Subject"]
    assert case.registration_number in body
    for secret in ("198105082393", "19810508-2393", "810508-2393", "Testa Testsson"):
        assert secret not in body
        assert secret not in message["Subject"]
    assert message["To"] == "testa@example.se"


def test_submitting_never_waits_for_the_mail_server_and_mail_is_retried(
    client, settings, run_tasks, mailbox
):
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens here: the mail server is "down"
    case = send_one(client)  # the submission itself succeeds
    run_tasks()
    case.refresh_from_db()
    assert case.confirmation_sent_at is None
    assert case.receipt_pdf  # the PDF did not wait for the mail either
    retry = DBTaskResult.objects.get(task_path__endswith="send_confirmation_email", status="READY")
    assert retry.run_after > timezone.now()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2

    settings.EMAIL_PORT = working_port  # the mail server is back
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()
    assert mailbox.wait_for(1)[0]["To"] == "testa@example.se"
    case.refresh_from_db()
    assert case.confirmation_sent_at is not None


def test_a_mail_that_keeps_failing_ends_as_a_failed_task(client, settings, run_tasks):
    from etjanst.cases.tasks import send_confirmation_email
    from etjanst.notifications.retry import RETRY_DELAYS

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_PORT = free_port()
    case = send_one(client)
    run_tasks()
    DBTaskResult.objects.filter(status="READY").delete()
    send_confirmation_email.enqueue(case_id=case.pk, attempt=len(RETRY_DELAYS) + 1)
    run_tasks()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path.endswith(
        ("ConnectionRefusedError", "SMTPConnectError", "OSError")
    )


def test_tasks_are_idempotent(client, mailbox, run_tasks):
    from etjanst.cases.tasks import render_receipt_pdf, send_confirmation_email

    case = send_one(client)
    run_tasks()
    mailbox.wait_for(1)
    case.refresh_from_db()
    pdf_name = case.receipt_pdf.name
    send_confirmation_email.enqueue(case_id=case.pk)
    render_receipt_pdf.enqueue(case_id=case.pk)
    run_tasks()
    case.refresh_from_db()
    assert case.receipt_pdf.name == pdf_name
    assert len(mailbox.messages) == 1


@pytest.mark.django_db
def test_the_pdf_receipt_is_made_on_request_when_the_worker_has_not_run(client):
    from django.urls import reverse

    case = send_one(client)
    assert not case.receipt_pdf
    response = client.get(
        reverse("portal:receipt_pdf", args=[case.eservice.slug, case.receipt_token])
    )
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    case.refresh_from_db()
    assert case.receipt_pdf
