"""The send-once keys of e-mails (SentEmail) are pruned after every retry of
their task is over, never before; nightly, by the workers' schedule. Real
SMTP server."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from etjanst.cases.tasks import notify_officers
from etjanst.jobs.tasks import run_scheduled
from etjanst.notifications.models import SentEmail
from etjanst.notifications.pruning import prune_sent_emails, sent_email_retention
from etjanst.notifications.retry import RETRY_DELAYS
from etjanst.submissions.actions import submit_form
from tests.eservices.factories import EServiceFactory
from tests.staff_accounts import staff_user

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True},
            ],
        }
    ]
}
# The latest a retry of an e-mail task can run: every delay, and each of the
# attempts waiting its whole deadline in the queue.
LAST_RETRY = sum(RETRY_DELAYS, timedelta()) + (len(RETRY_DELAYS) + 1) * timedelta(
    seconds=settings.ETJANST_TASK_DEADLINE
)


def a_case(officer: str = "anna"):
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    staff_user(officer, committee=eservice.committee, notify_new_cases=True)
    return submit_form(
        version=eservice.current_version,
        answers={"rubrik": "Altan"},
        upload_owner="",
        submission_key=uuid.uuid4(),
    )


def test_the_retention_outlasts_every_retry_of_an_e_mail_task():
    assert sent_email_retention() > LAST_RETRY > timedelta(hours=17)


def test_old_keys_go_and_keys_a_retry_may_need_stay(mailbox):
    start = timezone.now()
    first = a_case()
    DBTaskResult.objects.all().delete()  # only what this test runs
    with time_machine.travel(start - sent_email_retention() - timedelta(minutes=1), tick=False):
        assert notify_officers.call(case_id=first.pk) == "sent"
    with time_machine.travel(start - LAST_RETRY, tick=False):
        staff_user("bertil", committee=first.committee, notify_new_cases=True)
        assert notify_officers.call(case_id=first.pk) == "sent"  # to Bertil only
    assert SentEmail.objects.count() == 2

    assert prune_sent_emails() == 1  # Anna's key, older than the retention
    # Bertil's key is as old as the last retry could be: a rerun now still
    # finds it, and sends nothing again.
    assert notify_officers.call(case_id=first.pk) == "sent"
    assert SentEmail.objects.count() == 2  # Anna's again (her e-mail went anew), Bertil's kept
    assert len(mailbox.wait_for(4, timeout=2)) == 3


def test_a_task_still_waiting_keeps_the_keys_its_retries_may_need(mailbox):
    case = a_case()
    DBTaskResult.objects.all().delete()
    long_ago = timezone.now() - 3 * sent_email_retention()  # the workers were down that long
    with time_machine.travel(long_ago, tick=False):
        assert notify_officers.call(case_id=case.pk) == "sent"
        notify_officers.enqueue(case_id=case.pk)  # a retry, waiting since
    assert prune_sent_emails() == 0
    DBTaskResult.objects.update(status="SUCCESSFUL", finished_at=timezone.now())
    assert prune_sent_emails() == 1


def test_the_schedule_prunes_the_keys_every_night(mailbox):
    assert settings.ETJANST_SCHEDULE["prune_sent_emails"]["command"] == "prune_sent_emails"
    case = a_case()
    DBTaskResult.objects.all().delete()
    with time_machine.travel(timezone.now() - 2 * sent_email_retention(), tick=False):
        notify_officers.call(case_id=case.pk)
    old_keys = set(SentEmail.objects.values_list("key", flat=True))
    notify_officers.call(case_id=a_case("cecilia").pk)  # fresh keys
    fresh_keys = set(SentEmail.objects.values_list("key", flat=True)) - old_keys
    assert old_keys and fresh_keys
    assert run_scheduled.call(name="prune_sent_emails") == "done"
    assert set(SentEmail.objects.values_list("key", flat=True)) == fresh_keys
