"""E-mails sent under a key (`emails.send(once=...)`) go out once however
often their task runs: the officers' new-case notice and the draft
reminder, which had no "sent" mark of their own. Real SMTP server."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from etjanst.cases.tasks import notify_officers
from etjanst.notifications.models import SentEmail
from etjanst.people.models import Resident
from etjanst.submissions.actions import submit_form
from etjanst.submissions.models import Draft
from etjanst.submissions.tasks import send_draft_reminder
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
                {"id": "epost", "type": "email", "label": "E-post", "required": False},
            ],
        }
    ]
}


def test_the_new_case_notice_goes_once_to_each_officer_however_often_it_runs(mailbox):
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    staff_user("anna", committee=eservice.committee, notify_new_cases=True)
    case = submit_form(
        version=eservice.current_version,
        answers={"rubrik": "Altan"},
        upload_owner="",
        submission_key=uuid.uuid4(),
    )
    assert notify_officers.call(case_id=case.pk) == "sent"
    staff_user("bertil", committee=eservice.committee, notify_new_cases=True)
    assert notify_officers.call(case_id=case.pk) == "sent"  # run again: only the new one
    messages = mailbox.wait_for(3, timeout=2)
    assert sorted(m["To"] for m in messages) == ["anna@exempelby.se", "bertil@exempelby.se"]
    keys = list(SentEmail.objects.values_list("key", flat=True))
    assert len(keys) == 2 and not any("exempelby" in key for key in keys)  # no address kept


def test_the_draft_reminder_goes_once_per_save_with_the_same_message_id(mailbox):
    eservice = EServiceFactory(form=FORM)
    owner = Resident.objects.create(personnummer="194105199121")
    draft = Draft.objects.create(
        owner=owner,
        eservice=eservice,
        version=eservice.current_version,
        answers={"rubrik": "Altan", "epost": "anna@example.se"},
        upload_owner="x",
        expires_at=timezone.now() + timedelta(days=3),
        reminder_sent_at=timezone.now(),
    )
    send_draft_reminder.call(draft_id=str(draft.pk))
    send_draft_reminder.call(draft_id=str(draft.pk))  # a rerun
    [first] = mailbox.wait_for(2, timeout=2)
    assert first["To"] == "anna@example.se"
    # Saved again and reminded again: a new reminder, with its own Message-ID.
    Draft.objects.filter(pk=draft.pk).update(reminder_sent_at=timezone.now() + timedelta(days=1))
    send_draft_reminder.call(draft_id=str(draft.pk))
    send_draft_reminder.call(draft_id=str(draft.pk))
    _first, second = mailbox.wait_for(3, timeout=2)
    assert first["Message-ID"] != second["Message-ID"]
    assert SentEmail.objects.count() == 2
