"""Case handling for staff: the permission matrix, the inbox and search,
statuses, assignment, optimistic locking, notes, messages, exports and the
e-mail to officers about new cases."""

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from etjanst.cases.messaging import send_message
from etjanst.cases.models import Case, CaseNote, Message, Status
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.login import ANNA, log_in
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik"},
                {"id": "bild", "type": "file", "label": "Bild"},
            ],
        }
    ]
}


@pytest.fixture
def world():
    ks = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    bn = CommitteeFactory(name="Byggnadsnämnden", prefix="BN")
    ks_service = EServiceFactory(name="Synpunkter", committee=ks, login="optional", form=FORM)
    bn_service = EServiceFactory(name="Bygglov", committee=bn, login="optional", form=FORM)
    return {
        "ks": ks,
        "bn": bn,
        "ks_case": owned_case(ks_service, answers={"rubrik": "KS-ärende"}),
        "bn_case": owned_case(bn_service, answers={"rubrik": "BN-ärende"}),
        "ks_officer": staff_user("kerstin", committee=ks),
        "bn_officer": staff_user("bengt", committee=bn),
        "registrar": staff_user("rut", role="registrar", committee=ks),
    }


def status(code):
    return Status.objects.get(eservice=None, code=code)


def test_an_officer_of_one_committee_gets_404_for_the_other(client, world):
    other = world["bn_case"]
    send_message(
        case=other,
        body="BN-bilaga",
        from_staff=False,
        client_key=uuid.uuid4(),
        files=[SimpleUploadedFile("bn-bild.png", PNG_BYTES)],
    )
    other_file = other.attachments.get()
    log_in_staff(client, world["ks_officer"])
    for url in [
        reverse("staff:case", args=[other.pk]),
        reverse("staff:export_pdf", args=[other.pk]),
        reverse("staff:export_json", args=[other.pk]),
        # A real file of the other committee's case, directly and through
        # a case of one's own:
        reverse("staff:attachment", args=[other.pk, other_file.pk]),
        reverse("staff:attachment", args=[world["ks_case"].pk, other_file.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    before = Case.objects.values().get(pk=other.pk)
    posts = {
        "change_status": {"status": status("handlaggs").pk, "version": other.version},
        "assign": {"officer": world["ks_officer"].pk, "version": other.version},
        "add_note": {"body": "Intrång"},
        "send_message": {"body": "Intrång", "client_key": str(uuid.uuid4())},
        "legal_hold": {"hold": "on", "reason": "Intrång"},
    }
    for name, data in posts.items():
        response = client.post(reverse(f"staff:{name}", args=[other.pk]), data)
        assert response.status_code == 404, name
    assert Case.objects.values().get(pk=other.pk) == before
    assert not CaseNote.objects.filter(body="Intrång").exists()
    assert not Message.objects.filter(body="Intrång").exists()
    assert not other.events.filter(staff_user=world["ks_officer"]).exists()
    page = client.get(reverse("staff:inbox_open")).content.decode()
    assert world["ks_case"].registration_number in page
    assert other.registration_number not in page
    client.post(reverse("staff:search"), {"q": other.registration_number})
    page = client.get(reverse("staff:inbox_open") + "?sok=1").content.decode()
    assert f"/handlaggning/arenden/{other.pk}/" not in page
    assert "0 ärenden matchar" in page


def test_an_officer_per_eservice(client, world):
    only = staff_user("egon", eservice=world["bn_case"].eservice)
    log_in_staff(client, only)
    assert client.get(reverse("staff:case", args=[world["bn_case"].pk])).status_code == 200
    assert client.get(reverse("staff:case", args=[world["ks_case"].pk])).status_code == 404


def test_a_registrar_reads_but_does_not_handle(client, world):
    log_in_staff(client, world["registrar"])
    case = world["ks_case"]
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert "KS-ärende" in page
    assert "Ändra status" not in page
    response = client.post(
        reverse("staff:change_status", args=[case.pk]),
        {"status": status("handlaggs").pk, "version": 0},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status.code == "inkommet"


def test_an_eservice_manager_sees_no_cases(client, world):
    manager = staff_user("maja", role="eservice_manager", committee=world["ks"])
    log_in_staff(client, manager)
    assert client.get(reverse("staff:inbox"))["Location"].startswith(reverse("staff:login"))


def test_transitions_assignment_and_the_conflict_of_two_officers(client, world):
    case = world["ks_case"]
    log_in_staff(client, world["ks_officer"])
    response = client.post(
        reverse("staff:change_status", args=[case.pk]),
        {"status": status("komplettering").pk, "version": case.lock_version},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Den statusen går inte att välja" in page  # not from Inkommet
    client.post(
        reverse("staff:assign", args=[case.pk]), {"officer": "me", "version": case.lock_version}
    )
    case.refresh_from_db()
    assert case.assigned_to == world["ks_officer"]
    stale = case.lock_version - 1
    response = client.post(
        reverse("staff:change_status", args=[case.pk]),
        {"status": status("handlaggs").pk, "version": stale},
    )
    page = client.get(response["Location"]).content.decode()
    assert "Någon annan har ändrat ärendet" in page
    case.refresh_from_db()
    assert case.status.code == "inkommet"  # nothing changed
    client.post(
        reverse("staff:change_status", args=[case.pk]),
        {"status": status("handlaggs").pk, "version": case.lock_version},
    )
    case.refresh_from_db()
    assert case.status.code == "handlaggs"


def test_cannot_assign_to_an_officer_of_another_committee(client, world):
    case = world["ks_case"]
    log_in_staff(client, world["ks_officer"])
    client.post(
        reverse("staff:assign", args=[case.pk]),
        {"officer": world["bn_officer"].pk, "version": case.lock_version},
    )
    case.refresh_from_db()
    assert case.assigned_to is None


def test_notes_are_never_shown_to_the_resident(client, world):
    case = world["ks_case"]
    log_in_staff(client, world["ks_officer"])
    client.post(reverse("staff:add_note", args=[case.pk]), {"body": "Ring byggkontoret först."})
    assert CaseNote.objects.get().body == "Ring byggkontoret först."
    empty = client.post(reverse("staff:add_note", args=[case.pk]), {"body": "  "})
    assert empty.status_code == 400
    client.logout()
    log_in(client, ANNA)
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert "Ring byggkontoret" not in page


def test_messages_both_ways_through_the_staff_page(client, world):
    case = world["ks_case"]
    send_message(
        case=case,
        body="Här är bilden.",
        from_staff=False,
        client_key=uuid.uuid4(),
        files=[SimpleUploadedFile("bild.png", PNG_BYTES)],
    )
    log_in_staff(client, world["ks_officer"])
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert "Här är bilden." in page
    assert Message.objects.get().read_at is not None  # the officer has read it
    file = case.attachments.get()
    response = client.get(reverse("staff:attachment", args=[case.pk, file.pk]))
    assert b"".join(response.streaming_content) == PNG_BYTES
    response = client.post(
        reverse("staff:send_message", args=[case.pk]),
        {"body": "Tack!", "client_key": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    reply = Message.objects.get(from_staff=True)
    assert reply.staff_user == world["ks_officer"]
    bad = client.post(
        reverse("staff:send_message", args=[case.pk]),
        {"body": "", "client_key": str(uuid.uuid4())},
    )
    assert bad.status_code == 400
    assert "Skriv ett meddelande." in bad.content.decode()


def test_exports(client, world):
    case = world["ks_case"]
    log_in_staff(client, world["ks_officer"])
    pdf = client.get(reverse("staff:export_pdf", args=[case.pk]))
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    exported = client.get(reverse("staff:export_json", args=[case.pk]))
    document = json.loads(exported.content)
    assert document["registration_number"] == case.registration_number
    assert document["answers"]["rubrik"] == "KS-ärende"
    assert case.events.filter(kind="exported").count() == 2


def test_search_by_full_personnummer_in_any_form_never_in_the_address(client, world):
    log_in_staff(client, world["ks_officer"])
    for typed in ("19810508-2393", "198105082393", "810508-2393"):
        response = client.post(reverse("staff:search"), {"q": typed})
        assert "8105" not in response["Location"]
        page = client.get(response["Location"]).content.decode()
        assert world["ks_case"].registration_number in page, typed
    client.post(reverse("staff:search"), {"q": "Anna Test"})
    page = client.get(reverse("staff:inbox_open") + "?sok=1").content.decode()
    assert world["ks_case"].registration_number in page
    client.post(reverse("staff:search"), {"q": "19410519-9121"})  # someone else
    page = client.get(reverse("staff:inbox_open") + "?sok=1").content.decode()
    assert world["ks_case"].registration_number not in page


def test_inbox_tabs_and_filters(client, world):
    log_in_staff(client, world["ks_officer"])
    case = world["ks_case"]
    assert case.registration_number in client.get(reverse("staff:inbox")).content.decode()
    assert case.registration_number not in client.get(reverse("staff:inbox_mine")).content.decode()
    client.post(reverse("staff:assign", args=[case.pk]), {"officer": "me", "version": 0})
    assert case.registration_number in client.get(reverse("staff:inbox_mine")).content.decode()
    assert case.registration_number not in client.get(reverse("staff:inbox")).content.decode()
    url = reverse("staff:inbox_open") + "?handlaggare=ingen"
    assert case.registration_number not in client.get(url).content.decode()


def test_the_inbox_makes_as_many_queries_for_many_cases(client, world):
    log_in_staff(client, world["ks_officer"])
    url = reverse("staff:inbox_open")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(60):
        owned_case(world["ks_case"].eservice)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_officers_get_an_email_about_new_cases(client, world, mailbox, run_tasks):
    staff_user("nora", committee=world["ks"], notify_new_cases=True, email="nora@exempelby.se")
    case = owned_case(world["ks_case"].eservice, answers={"rubrik": "Hemligt innehåll"})
    run_tasks()
    mails = mailbox.wait_for(2)  # also about the case made by the fixture
    notice = next(m for m in mails if case.registration_number in m["Subject"])
    assert notice["To"] == "nora@exempelby.se"
    body = notice.get_body(("plain",)).get_content()
    assert case.registration_number in notice["Subject"]
    assert f"/handlaggning/arenden/{case.pk}/" in body
    assert "Hemligt innehåll" not in body
    assert ANNA.personnummer not in body
    assert all(m["To"] != "kerstin@exempelby.se" for m in mails)  # did not ask


def test_a_case_from_the_form_knows_its_sender(client):
    eservice = EServiceFactory(
        form={
            "steps": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [
                        {"id": "pnr", "type": "personnummer", "label": "Personnummer"},
                        {"id": "kontakt", "type": "contact", "label": "Kontakt"},
                    ],
                }
            ]
        }
    )
    from tests.filling import post_step, start, submit

    start(client, eservice)
    post_step(
        client,
        eservice,
        1,
        {
            "q_pnr": "19810508-2393",
            "q_kontakt__name": "Testa Testsson",
            "q_kontakt__email": "t@example.se",
        },
    )
    submit(client, eservice)
    case = Case.objects.get()
    assert case.sender_personnummer == "198105082393"
    assert case.sender_name == "Testa Testsson"
    assert case.owner is None


def test_staff_see_that_a_case_is_protected(client, world):
    case = world["ks_case"]
    Case.objects.filter(pk=case.pk).update(protected_identity=True)
    log_in_staff(client, world["ks_officer"])
    assert "Skyddad" in client.get(reverse("staff:inbox")).content.decode()
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert "Skyddade personuppgifter." in page
