"""The access log: an entry for each kind of access, append-only, a hash
chain that finds an edited or deleted entry, and the resident's view of it."""

import uuid
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from etjanst.audit.actions import verify_chain
from etjanst.audit.models import AccessLogEntry
from etjanst.cases.messaging import send_message
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.login import ANNA, log_in
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():
    committee = CommitteeFactory(prefix="SN", name="Socialnämnden")
    case = owned_case(EServiceFactory(committee=committee, login="optional"))
    send_message(
        case=case,
        body="Bilaga",
        from_staff=False,
        client_key=uuid.uuid4(),
        files=[SimpleUploadedFile("intyg.png", PNG_BYTES)],
    )
    return case


@pytest.fixture
def officer(case):
    return staff_user("siv", committee=case.committee, first_name="Siv", last_name="Svensson")


def test_every_kind_of_access_is_logged(client, case, officer):
    log_in_staff(client, officer)
    client.get(reverse("staff:case", args=[case.pk]))
    client.get(reverse("staff:attachment", args=[case.pk, case.attachments.get().pk]))
    client.get(reverse("staff:export_pdf", args=[case.pk]))
    client.get(reverse("staff:export_json", args=[case.pk]))
    entries = list(AccessLogEntry.objects.order_by("pk"))
    assert [(e.kind, e.detail) for e in entries] == [
        ("view", ""),
        ("file", "bilaga 1"),  # never the resident's file name: the log outlives the purge
        ("export", "PDF"),
        ("export", "JSON"),
    ]
    assert {e.user_name for e in entries} == {"Siv Svensson"}
    assert {e.role for e in entries} == {"case_officer"}
    assert {e.registration_number for e in entries} == {case.registration_number}
    assert verify_chain() == []


def test_refused_access_writes_nothing(client, case):
    stranger = staff_user("sten", committee=CommitteeFactory(prefix="XX", name="Annan"))
    log_in_staff(client, stranger)
    assert client.get(reverse("staff:case", args=[case.pk])).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_log_is_append_only(client, case, officer):
    log_in_staff(client, officer)
    client.get(reverse("staff:case", args=[case.pk]))
    entry = AccessLogEntry.objects.get()
    entry.user_name = "Någon annan"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_the_chain_check_finds_an_edited_or_deleted_entry(client, case, officer):
    log_in_staff(client, officer)
    for _ in range(4):
        client.get(reverse("staff:case", args=[case.pk]))
    out = StringIO()
    call_command("verify_access_log", stdout=out)
    assert "intakt (4 poster)" in out.getvalue()

    # Behind the application's back, as someone with database access could:
    second, third = AccessLogEntry.objects.order_by("pk")[1:3]
    AccessLogEntry.objects.filter(pk=second.pk).update(user_name="Ingen alls")
    assert [(p.entry_id, p.problem) for p in verify_chain()] == [(second.pk, "content")]
    with pytest.raises(CommandError):
        call_command("verify_access_log", stdout=StringIO(), stderr=StringIO())

    AccessLogEntry.objects.filter(pk=second.pk).update(user_name="Siv Svensson")
    assert verify_chain() == []
    AccessLogEntry.objects.filter(pk=third.pk)._raw_delete(using="default")
    problems = verify_chain()
    assert len(problems) == 1
    assert problems[0].problem == "link"


def test_the_resident_sees_who_opened_the_case(client, case, officer):
    log_in_staff(client, officer)
    client.get(reverse("staff:case", args=[case.pk]))
    client.logout()
    log_in(client, ANNA)
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert "Vem har tittat på mitt ärende" in page
    assert "Siv Svensson (Handläggare) öppnade ärendet" in page
