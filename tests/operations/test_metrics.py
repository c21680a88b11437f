"""The counters an operator watches move when the thing happens."""

from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from prometheus_client import REGISTRY

from etjanst.operations import metrics
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit
from tests.operations.conftest import free_port


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db(transaction=True)
def test_a_sent_in_case_counts_one_submission(client):
    step = {
        "id": "a",
        "title": "A",
        "questions": [{"id": "namn", "type": "short_text", "label": "Namn"}],
    }
    eservice = EServiceFactory(form={"steps": [step]})
    before = sample("etjanst_submissions_total")
    start(client, eservice)
    post_step(client, eservice, 1, {"q_namn": "Test"})
    submit(client, eservice)
    assert sample("etjanst_submissions_total") == before + 1


def test_a_mail_relay_that_is_down_counts_failed_emails(settings, mailbox):
    settings.EMAIL_BACKEND = "etjanst.operations.mail.EmailBackend"
    sent = sample("etjanst_emails_total", outcome="sent")
    EmailMessage("Kvitto", "Hej", to=["a@example.se"]).send()
    assert sample("etjanst_emails_total", outcome="sent") == sent + 1

    settings.EMAIL_PORT = free_port()  # nothing listens
    failed = sample("etjanst_emails_total", outcome="failed")
    with pytest.raises(OSError):
        EmailMessage("Kvitto", "Hej", to=["a@example.se"]).send()
    assert sample("etjanst_emails_total", outcome="failed") == failed + 1


@pytest.mark.django_db
def test_bankid_orders_are_counted_by_outcome(client, settings, bankid_simulator):
    settings.BANKID = bankid_simulator.client_settings(timeout=2.0)
    settings.ETJANST_EID_METHODS = ["bankid"]
    started = sample("etjanst_bankid_orders_total", kind="auth", outcome="started")
    client.post(reverse("portal:bankid_start"), {"device": "other"})
    assert sample("etjanst_bankid_orders_total", kind="auth", outcome="started") == started + 1


@pytest.mark.django_db
def test_the_scrape_reports_the_waiting_tasks_and_how_long_the_oldest_has_waited(time_machine):
    time_machine.move_to("2026-12-07 08:00:00+00:00", tick=False)
    common = {"args_kwargs": {"args": [], "kwargs": {}}, "backend_name": "default"}
    DBTaskResult.objects.create(task_path="a", run_after=get_date_max(), **common)
    retry = timezone.now() - timedelta(minutes=2)  # a retry due since 07:58
    DBTaskResult.objects.create(task_path="b", run_after=retry, **common)
    later = timezone.now() + timedelta(hours=1)  # not due yet: not waiting
    DBTaskResult.objects.create(task_path="c", run_after=later, **common)
    time_machine.move_to("2026-12-07 08:00:30+00:00", tick=False)

    text = metrics.render()[0].decode()
    assert "etjanst_task_queue_length 2.0" in text
    assert "etjanst_task_queue_oldest_age_seconds 150.0" in text
