"""Messages per case: both ways, the file rules, the e-mail nudge without
content, read/unread, messages turned off, and no double sending."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etjanst.cases.actions import transition_case
from etjanst.cases.messaging import MessageInvalid, send_message
from etjanst.cases.models import Attachment, Message, Status
from tests.eservices.factories import EServiceFactory
from tests.files import PDF_BYTES, PNG_BYTES
from tests.login import ANNA, log_in
from tests.mypages import owned_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def eservice():
    return EServiceFactory(login="optional", committee__prefix="KS")


def write(client, case, body, files=(), key=None):
    return client.post(
        reverse("portal:my_case", args=[case.pk]),
        {"body": body, "client_key": str(key or uuid.uuid4()), "files": list(files)},
    )


def test_the_resident_writes_with_files_and_staff_answers(client, eservice):
    case = owned_case(eservice)
    log_in(client)
    response = write(
        client,
        case,
        "Här är fotot ni bad om.",
        files=[SimpleUploadedFile("foto.png", PNG_BYTES), SimpleUploadedFile("x.pdf", PDF_BYTES)],
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert not message.from_staff
    assert sorted(a.original_name for a in message.attachments.all()) == ["foto.png", "x.pdf"]
    assert all(a.case_id == case.pk for a in Attachment.objects.all())

    send_message(
        case=case, body="Tack, vi tittar på det.", from_staff=True, client_key=uuid.uuid4()
    )
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert "Här är fotot ni bad om." in page
    assert "Tack, vi tittar på det." in page
    attachment = message.attachments.get(original_name="foto.png")
    download = client.get(reverse("portal:my_attachment", args=[case.pk, attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG_BYTES
    # The resident read the staff message; staff have not read the resident's.
    assert Message.objects.get(from_staff=True).read_at is not None
    assert Message.objects.get(from_staff=False).read_at is None


@pytest.mark.parametrize(
    ("body", "files", "expected"),
    [
        ("", [], "Skriv ett meddelande."),
        ("x" * 10_001, [], "för långt"),
        ("Fil", [SimpleUploadedFile("virus.exe", b"MZ\x90\x00binary")], "filtyp"),
        ("Fil", [SimpleUploadedFile("tom.pdf", b"")], "är tom"),
        ("Fil", [SimpleUploadedFile(f"{n}.png", PNG_BYTES) for n in range(6)], "högst 5"),
    ],
)
def test_bad_messages_are_refused_and_change_nothing(client, eservice, body, files, expected):
    case = owned_case(eservice)
    log_in(client)
    response = write(client, case, body, files)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not Message.objects.exists()
    assert not Attachment.objects.exists()
    assert body[:100] in response.content.decode()  # what was written is not lost


def test_a_double_click_sends_one_message(client, eservice):
    case = owned_case(eservice)
    log_in(client)
    key = uuid.uuid4()
    assert write(client, case, "En gång", key=key).status_code == 302
    assert write(client, case, "En gång", key=key).status_code == 302
    assert Message.objects.count() == 1


def test_the_nudge_arrives_without_case_content(client, eservice, mailbox, run_tasks):
    case = owned_case(
        eservice, answers={"rubrik": "Hemlig sak om hälsan", "epost": "anna@example.se"}
    )
    run_tasks()  # the confirmation e-mail
    mailbox.wait_for(1)
    send_message(
        case=case, body="Vi behöver ditt läkarintyg.", from_staff=True, client_key=uuid.uuid4()
    )
    run_tasks()
    mails = mailbox.wait_for(2)
    nudge = next(m for m in mails if "Nytt meddelande" in m["Subject"])
    body = nudge.get_body(("plain",)).get_content()
    assert nudge["To"] == "anna@example.se"
    assert f"Du har fått ett nytt meddelande i ärende {case.registration_number}" in body
    assert f"/mina-sidor/arenden/{case.pk}/" in body
    for secret in ("läkarintyg", "Hemlig sak", eservice.name, ANNA.personnummer, "Anna"):
        assert secret not in body
        assert secret not in nudge["Subject"]
    assert Message.objects.get().notified_at is not None


def test_the_resident_is_not_nudged_about_their_own_message(client, eservice, mailbox, run_tasks):
    case = owned_case(eservice, answers={"rubrik": "x"})  # no address: no confirmation
    send_message(case=case, body="Från mig", from_staff=False, client_key=uuid.uuid4())
    run_tasks()
    assert mailbox.messages == []


def test_messages_can_be_turned_off_per_eservice(client):
    eservice = EServiceFactory(login="optional", messages_enabled=False)
    case = owned_case(eservice)
    log_in(client)
    page = client.get(reverse("portal:my_case", args=[case.pk])).content.decode()
    assert "Skriv ett meddelande" not in page
    response = write(client, case, "Hej?")
    assert response.status_code == 400
    assert not Message.objects.exists()


def test_a_closed_case_takes_no_more_messages_from_the_resident(client, eservice):
    case = owned_case(eservice)
    transition_case(case=case, to=Status.objects.get(eservice=None, code="avslutat"))
    with pytest.raises(MessageInvalid):
        send_message(case=case, body="Hallå", from_staff=False, client_key=uuid.uuid4())
    send_message(case=case, body="Ett sista besked", from_staff=True, client_key=uuid.uuid4())
    assert Message.objects.count() == 1
