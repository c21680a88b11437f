"""Purging (gallring): due vs not due with time frozen, legal holds, batches,
the append-only log, what staff see ahead, and no publishing without a rule."""

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etjanst.cases.actions import transition_case
from etjanst.cases.messaging import send_message
from etjanst.cases.models import Attachment, Case, Message, Status
from etjanst.eservices import actions as eservice_actions
from etjanst.retention.actions import months_before, purge_due, set_legal_hold
from etjanst.retention.models import PurgeLogEntry
from tests.eservices.factories import SIMPLE_FORM, EServiceFactory
from tests.files import PNG_BYTES
from tests.login import ANNA, log_in
from tests.mypages import owned_case
from tests.organisation.factories import RetentionRuleFactory
from tests.staff_accounts import log_in_admin, log_in_staff, staff_user

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def closed(case):
    transition_case(case=case, to=Status.objects.get(eservice=None, code="avslutat"))
    return Case.objects.get(pk=case.pk)


def test_months_before():
    assert (
        months_before(datetime(2026, 3, 31, 12, tzinfo=STOCKHOLM), 1).date().isoformat()
        == "2026-02-28"
    )
    assert (
        months_before(datetime(2026, 1, 15, tzinfo=STOCKHOLM), 24).date().isoformat()
        == "2024-01-15"
    )


def test_due_and_not_due_with_the_clock_at_closing(time_machine, tmp_path):
    eservice = EServiceFactory(retention_rule__period_months=24, retention_rule__clock="closed")
    time_machine.move_to(datetime(2024, 1, 10, 9, tzinfo=STOCKHOLM))
    due = owned_case(eservice, answers={"rubrik": "Gammalt"})
    send_message(
        case=due,
        body="Bild",
        from_staff=False,
        client_key=uuid.uuid4(),
        files=[SimpleUploadedFile("bild.png", PNG_BYTES)],
    )
    file_path = Attachment.objects.get().file.path
    still_open = owned_case(eservice)
    due = closed(due)
    time_machine.move_to(datetime(2025, 6, 1, 9, tzinfo=STOCKHOLM))
    late_closed = closed(owned_case(eservice))

    time_machine.move_to(datetime(2026, 1, 10, 8, tzinfo=STOCKHOLM))  # an hour early
    assert purge_due() == 0
    time_machine.move_to(datetime(2026, 1, 10, 10, tzinfo=STOCKHOLM))
    assert purge_due() == 1

    due.refresh_from_db()
    assert due.purged_at is not None
    assert due.answers == {} and due.owner is None
    assert due.registration_number  # the register keeps its entry
    assert not Message.objects.filter(case=due).exists()
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(file_path)
    for case in (still_open, late_closed):
        case.refresh_from_db()
        assert case.purged_at is None and case.answers
    entry = PurgeLogEntry.objects.get()
    assert entry.count == 1 and entry.object_ids == [due.pk]
    assert entry.registration_numbers == [due.registration_number]
    assert entry.decision_reference == eservice.retention_rule.decision_reference


def test_the_clock_at_submission(time_machine):
    eservice = EServiceFactory(retention_rule__period_months=12, retention_rule__clock="submitted")
    time_machine.move_to(datetime(2025, 1, 1, tzinfo=STOCKHOLM))
    case = owned_case(eservice)  # open, but the clock started when it came in
    time_machine.move_to(datetime(2026, 1, 2, tzinfo=STOCKHOLM))
    assert purge_due() == 1
    case.refresh_from_db()
    assert case.purged_at


def test_a_legal_hold_stops_the_purge(time_machine):
    eservice = EServiceFactory(retention_rule__clock="submitted", retention_rule__period_months=1)
    time_machine.move_to(datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    case = owned_case(eservice)
    set_legal_hold(case=case, hold=True, reason="Begäran om allmän handling KS 2026/0100")
    time_machine.move_to(datetime(2026, 6, 1, tzinfo=STOCKHOLM))
    assert purge_due() == 0
    set_legal_hold(case=case, hold=False)
    assert purge_due() == 1


def test_batches_each_logged(time_machine):
    eservice = EServiceFactory(retention_rule__clock="submitted", retention_rule__period_months=1)
    time_machine.move_to(datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    cases = [owned_case(eservice) for _ in range(5)]
    time_machine.move_to(datetime(2026, 3, 1, tzinfo=STOCKHOLM))
    assert purge_due(batch_size=2, by="test") == 5
    assert sorted(e.count for e in PurgeLogEntry.objects.all()) == [1, 2, 2]
    assert sorted(pk for e in PurgeLogEntry.objects.all() for pk in e.object_ids) == sorted(
        c.pk for c in cases
    )
    assert purge_due() == 0  # a purged case is not purged again


def test_the_purge_log_is_append_only(time_machine):
    test_batches_each_logged(time_machine)
    entry = PurgeLogEntry.objects.first()
    entry.count = 0
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_a_purged_case_leaves_mina_sidor(client, time_machine):
    eservice = EServiceFactory(retention_rule__clock="submitted", retention_rule__period_months=1)
    time_machine.move_to(datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    case = owned_case(eservice)
    time_machine.move_to(datetime(2026, 3, 1, tzinfo=STOCKHOLM))
    purge_due()
    log_in(client, ANNA)
    assert client.get(reverse("portal:my_case", args=[case.pk])).status_code == 404
    assert case.registration_number not in client.get(reverse("portal:my_cases")).content.decode()


def test_staff_see_what_is_purged_in_the_coming_30_days_and_set_a_hold(client, time_machine):
    eservice = EServiceFactory(retention_rule__clock="submitted", retention_rule__period_months=1)
    officer = staff_user("gun", committee=eservice.committee)
    time_machine.move_to(datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    soon = owned_case(eservice)
    time_machine.move_to(datetime(2026, 1, 20, tzinfo=STOCKHOLM))
    later = owned_case(eservice)
    log_in_staff(client, officer)
    page = client.get(reverse("staff:purge_preview")).content.decode()
    assert soon.registration_number in page
    assert later.registration_number not in page
    response = client.post(
        reverse("staff:legal_hold", args=[soon.pk]), {"hold": "on", "reason": ""}
    )
    soon.refresh_from_db()
    assert not soon.legal_hold  # a hold needs a reason
    client.post(reverse("staff:legal_hold", args=[soon.pk]), {"hold": "on", "reason": "Överklagat"})
    soon.refresh_from_db()
    assert soon.legal_hold and soon.legal_hold_reason == "Överklagat"
    assert (
        soon.registration_number not in client.get(reverse("staff:purge_preview")).content.decode()
    )
    assert response.status_code == 302


def test_an_eservice_without_a_rule_cannot_be_published():
    eservice = EServiceFactory(form=False, retention_rule=None)
    version = eservice_actions.add_version(eservice=eservice, form=SIMPLE_FORM)
    with pytest.raises(ValidationError) as error:
        eservice_actions.publish_version(version=version)
    assert "gallringsregel" in str(error.value)
    eservice.retention_rule = RetentionRuleFactory(committee=eservice.committee)
    eservice.save()
    eservice_actions.publish_version(version=version)
    version.refresh_from_db()
    assert version.published_at is not None


def test_publishing_without_a_rule_in_admin_says_why(client):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("adm", "a@example.se", "pw-long-9f2")
    log_in_admin(client, admin_user)
    eservice = EServiceFactory(form=False, retention_rule=None)
    version = eservice_actions.add_version(eservice=eservice, form=SIMPLE_FORM)
    response = client.post(
        reverse("admin:eservices_eserviceversion_changelist"),
        {"action": "publish", "_selected_action": [version.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "gallringsregel" in response.content.decode()
    version.refresh_from_db()
    assert version.published_at is None


def test_bookings_of_purged_cases(time_machine):
    """A past booking of a purged case goes; a time still ahead stays taken
    but no longer says who booked it."""
    from etjanst.bookings.actions import book_slot
    from etjanst.bookings.models import Booking
    from tests.bookings.factories import ResourceFactory

    eservice = EServiceFactory(retention_rule__clock="submitted", retention_rule__period_months=1)
    time_machine.move_to(datetime(2026, 1, 5, 8, tzinfo=STOCKHOLM))  # a Monday
    resource = ResourceFactory()
    case = owned_case(eservice)
    past = book_slot(
        resource=resource, starts_at=datetime(2026, 1, 6, 9, tzinfo=STOCKHOLM), email="a@example.se"
    )
    ahead = book_slot(
        resource=resource,
        starts_at=datetime(2026, 3, 2, 9, tzinfo=STOCKHOLM),
        name="Anna",
        email="a@example.se",
    )
    Booking.objects.filter(pk__in=[past.pk, ahead.pk]).update(case=case)
    time_machine.move_to(datetime(2026, 2, 20, 8, tzinfo=STOCKHOLM))
    assert purge_due() == 1
    assert not Booking.objects.filter(pk=past.pk).exists()
    ahead.refresh_from_db()
    assert (ahead.name, ahead.email, ahead.case_id) == ("", "", None)
