"""The drafts moved from `cases` to `submissions`, and the committees and
retention rules to `organisation`, without touching a table: a database made
before the move keeps every draft, case, booking and message, usable."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from etjanst.bookings.models import Booking
from etjanst.cases.models import Attachment, Case, Message
from etjanst.cases.statuses import ensure_default_statuses
from etjanst.eservices.models import EService
from etjanst.organisation.models import Committee, RetentionRule
from etjanst.submissions.models import Draft
from tests.filling import submit
from tests.login import ANNA, log_in

# The newest migration of each app before the move.
BEFORE = [
    ("cases", "0011_case_not_purged"),
    ("diarium", "0002_public_documents"),
    ("retention", "0001_initial"),
    ("eservices", "0008_eservice_eid_loa"),
    ("people", "0003_dataextract"),
    ("bookings", "0001_initial"),
]
FORM = {
    "steps": [
        {
            "id": "arende",
            "title": "Ditt ärende",
            "questions": [{"id": "rubrik", "type": "short_text", "label": "Rubrik"}],
        }
    ]
}


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _rows_made_before_the_move(apps) -> dict:
    """Everything made with the models as they were (historical models)."""
    now = timezone.now()
    committee = apps.get_model("diarium", "Committee").objects.create(
        name="Kommunstyrelsen", prefix="KS"
    )
    rule = apps.get_model("retention", "RetentionRule").objects.create(
        name="Ärenden",
        committee=committee,
        decision_reference="KS 2024/0001",
        clock="closed",
        period_months=24,
    )
    category = apps.get_model("eservices", "Category").objects.create(name="Övrigt", slug="ovrigt")
    eservice = apps.get_model("eservices", "EService").objects.create(
        slug="synpunkt",
        name="Lämna en synpunkt",
        category=category,
        committee=committee,
        retention_rule=rule,
        short_description="Synpunkter",
        login="optional",
    )
    version = apps.get_model("eservices", "EServiceVersion").objects.create(
        eservice=eservice, number=1, form=FORM, published_at=now
    )
    resident = apps.get_model("people", "Resident").objects.create(
        personnummer=ANNA.personnummer, given_name="Anna", surname="Testsson"
    )
    draft = apps.get_model("cases", "Draft").objects.create(
        owner=resident,
        eservice=eservice,
        version=version,
        answers={"rubrik": "Utkastet"},
        completed_steps=["arende"],
        upload_owner="agare-1",
        expires_at=now + datetime.timedelta(days=30),
    )
    apps.get_model("cases", "Attachment").objects.create(
        upload_owner="agare-1",
        draft=draft,
        question_id="rubrik",
        file="bilagor/x.txt",
        original_name="x.txt",
        content_type="text/plain",
        size=1,
    )
    apps.get_model("diarium", "RegistrationCounter").objects.create(
        committee=committee, year=now.year, last_number=1
    )
    ensure_default_statuses(apps.get_model("cases", "Status"))  # a flushed test database has none
    status = (
        apps.get_model("cases", "Status").objects.filter(eservice=None).order_by("order").first()
    )
    case = apps.get_model("cases", "Case").objects.create(
        eservice=eservice,
        version=version,
        committee=committee,
        registration_year=now.year,
        registration_sequence=1,
        registration_number=f"KS {now.year}/0001",
        received_at=now,
        answers={"rubrik": "Ärendet"},
        submission_key=uuid.uuid4(),
        owner=resident,
        status=status,
        status_changed_at=now,
    )
    message = apps.get_model("cases", "Message").objects.create(
        case=case, from_staff=True, body="Hej Anna", client_key=uuid.uuid4()
    )
    resource = apps.get_model("bookings", "Resource").objects.create(
        slug="radgivning", name="Rådgivning", committee=committee
    )
    starts = now + datetime.timedelta(days=3)
    slot = apps.get_model("bookings", "Slot").objects.create(
        resource=resource,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=30),
        capacity=1,
        booked=1,
    )
    booking = apps.get_model("bookings", "Booking").objects.create(
        resource=resource, slot=slot, status="confirmed", resident=resident, case=case
    )
    return {
        "committee": committee.pk, "rule": rule.pk, "eservice": eservice.pk, "draft": draft.pk,
        "case": case.pk, "message": message.pk, "booking": booking.pk,
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_everything_usable(client):
    made = _rows_made_before_the_move(_migrate(BEFORE))
    call_command("migrate", verbosity=0)

    committee = Committee.objects.get(pk=made["committee"])
    assert RetentionRule.objects.get(pk=made["rule"]).committee == committee
    eservice = EService.objects.get(pk=made["eservice"])
    assert (eservice.committee, eservice.retention_rule_id) == (committee, made["rule"])
    draft = Draft.objects.get(pk=made["draft"])
    assert draft.answers == {"rubrik": "Utkastet"} and draft.owner.personnummer == ANNA.personnummer
    assert list(Attachment.objects.filter(draft=draft).values_list("original_name", flat=True)) == [
        "x.txt"
    ]
    case = Case.objects.get(pk=made["case"])
    assert (case.registration_sequence, case.committee) == (1, committee)
    assert Message.objects.get(pk=made["message"]).case == case
    assert Booking.objects.get(pk=made["booking"]).case == case

    # The moved draft is still its owner's, and can be resumed and sent.
    log_in(client, ANNA)
    response = client.post(reverse("portal:draft_continue", args=[draft.pk]))
    assert response["Location"] == reverse("portal:step", args=[eservice.slug, 1])
    receipt = client.get(submit(client, eservice)["Location"])
    assert receipt.status_code == 200
    sent = Case.objects.exclude(pk=case.pk).get()
    assert sent.answers["rubrik"] == "Utkastet" and sent.registration_sequence == 2
    assert not Draft.objects.filter(pk=draft.pk).exists()
