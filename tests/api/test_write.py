"""Writing through the API: status, messages, notes, assignment and the
delivery confirmation, through the same actions as the staff pages; bad
input gets a Swedish problem document and changes nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etjanst.cases.models import Case, CaseEvent, CaseNote, Message
from etjanst.integrations.models import Delivery
from tests.api.test_access import assert_problem, snapshot
from tests.files import PNG_BYTES
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db


def url(case, rest=""):
    return f"/api/v1/cases/{case.pk}{rest}"


def test_status_follows_an_allowed_transition(world, platina):
    case = world["ks_case"]
    response = platina.post(url(case, "/status"), {"status": "handlaggs"})
    assert response.status_code == 200
    assert response.json()["status"]["code"] == "handlaggs"
    assert response.json()["lock_version"] == 1
    assert "applicant" not in response.json()  # no personal data: not a read of the case
    case.refresh_from_db()
    assert case.status.code == "handlaggs"
    event = case.events.get(kind=CaseEvent.Kind.STATUS)
    assert event.status.code == "handlaggs"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"status": "komplettering"}, 409, "transition-not-allowed"),  # inkommet → komplettering
        ({"status": "finns-inte"}, 422, "unknown-status"),
        ({"status": "handlaggs", "expected_version": 99}, 409, "changed-meanwhile"),
        ({}, 400, "validation-error"),
    ],
)
def test_a_bad_status_change_changes_nothing(world, platina, body, status, code):
    case = world["ks_case"]
    before = snapshot(case)
    response = platina.post(url(case, "/status"), body)
    assert_problem(response, status)
    assert response.json()["type"] == f"urn:etjanst:problem:{code}"
    assert snapshot(case) == before


def test_malformed_json_is_a_400_problem_in_swedish(world, platina):
    case = world["ks_case"]
    before = snapshot(case)
    response = platina.post(
        url(case, "/status"), "{status: handlaggs", content_type="application/json"
    )
    assert_problem(response, 400)
    assert "JSON" in response.json()["detail"]
    assert snapshot(case) == before


def test_an_unknown_case_is_a_404_problem(world, platina):
    missing = Case.objects.order_by("-pk").first().pk + 100
    assert_problem(platina.put(f"/api/v1/cases/{missing}/delivery", {"external_id": "X"}), 404)
    assert_problem(platina.get(f"/api/v1/cases/{missing}"), 404)
    assert Delivery.objects.count() == 0


def test_a_message_reaches_the_residents_thread_with_its_file(world, platina):
    case = world["ks_case"]
    response = platina.client.post(
        url(case, "/messages"),
        {
            "body": "Vi behöver en bild till.",
            "files": [SimpleUploadedFile("karta.png", PNG_BYTES, content_type="image/png")],
        },
        headers=platina.headers,
    )
    assert response.status_code == 201, response.content
    message = Message.objects.get(pk=response.json()["id"])
    assert message.from_staff and message.body == "Vi behöver en bild till."
    assert message.attachments.get().original_name == "karta.png"
    assert case.events.filter(kind=CaseEvent.Kind.MESSAGE_FROM_STAFF).count() == 1


def test_the_same_client_key_sends_one_message(world, platina):
    case = world["ks_case"]
    data = {"body": "Hej", "client_key": "6f1c1a52-8d0e-4a7e-9d7e-0b8b9c3f2a11"}
    first = platina.client.post(url(case, "/messages"), data, headers=platina.headers)
    second = platina.client.post(url(case, "/messages"), data, headers=platina.headers)
    assert first.json()["id"] == second.json()["id"]
    assert Message.objects.count() == 1


def test_a_10_mb_message_is_refused_and_nothing_is_sent(world, platina):
    case = world["ks_case"]
    before = snapshot(case)
    response = platina.client.post(
        url(case, "/messages"), {"body": "a" * 10 * 1024 * 1024}, headers=platina.headers
    )
    assert_problem(response, 413)
    assert snapshot(case) == before


def test_a_message_too_long_or_empty_is_refused_in_swedish(world, platina):
    case = world["ks_case"]
    before = snapshot(case)
    for body, words in (("a" * 10_001, "för långt"), ("  ", "Skriv ett meddelande")):
        response = platina.client.post(
            url(case, "/messages"), {"body": body}, headers=platina.headers
        )
        assert_problem(response, 422)
        assert words in response.json()["detail"]
    assert snapshot(case) == before


def test_a_note_is_kept_internal_and_signed_with_the_system(world, platina):
    case = world["ks_case"]
    assert platina.post(url(case, "/notes"), {"body": "Registrerat i Platina"}).status_code == 201
    note = CaseNote.objects.get()
    assert note.body.startswith("Registrerat i Platina") and note.body.endswith("– Platina")
    assert not case.events.get(kind=CaseEvent.Kind.NOTE).visible_to_resident
    before = snapshot(case)
    assert_problem(platina.post(url(case, "/notes"), {"body": " "}), 422)
    assert snapshot(case) == before


def test_assign_to_an_officer_who_may_handle_the_case(world, platina):
    case = world["ks_case"]
    staff_user("kerstin", committee=world["ks"])
    staff_user("bengt", committee=world["bn"])
    response = platina.put(url(case, "/assignee"), {"username": "kerstin"})
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.assigned_to.username == "kerstin"
    before = snapshot(case)
    assert_problem(platina.put(url(case, "/assignee"), {"username": "bengt"}), 422)
    assert snapshot(case) == before


def test_delivery_confirmation_is_idempotent_and_a_different_id_is_a_409(world, platina):
    case = world["ks_case"]
    first = platina.put(url(case, "/delivery"), {"external_id": "PL 2026/117"})
    assert first.status_code == 201
    again = platina.put(url(case, "/delivery"), {"external_id": "PL 2026/117"})
    assert again.status_code == 200
    assert again.json()["confirmed_at"] == first.json()["confirmed_at"]
    before = snapshot(case)
    other = platina.put(url(case, "/delivery"), {"external_id": "PL 2026/999"})
    assert_problem(other, 409)
    assert "PL 2026/117" in other.json()["detail"]
    assert snapshot(case) == before
    assert platina.get(url(case, "/delivery")).json()["external_id"] == "PL 2026/117"
    assert Delivery.objects.get().external_id == "PL 2026/117"


def test_the_confirmed_delivery_is_shown_on_the_staff_case_page(world, platina, client):
    from tests.staff_accounts import log_in_staff

    case = world["ks_case"]
    platina.put(url(case, "/delivery"), {"external_id": "PL 2026/117"})
    officer = staff_user("kerstin", committee=world["ks"])
    log_in_staff(client, officer)
    page = client.get(f"/handlaggning/arenden/{case.pk}/").content.decode()
    assert "Platina: PL 2026/117" in page


def test_an_empty_external_id_is_refused(world, platina):
    case = world["ks_case"]
    response = platina.put(url(case, "/delivery"), {"external_id": ""})
    assert_problem(response, 400)
    assert response.json()["errors"][0]["field"] == "body.payload.external_id"
    response = platina.put(url(case, "/delivery"), {"external_id": "   "})
    assert_problem(response, 422)
    assert Delivery.objects.count() == 0


def test_problem_documents_are_json_with_swedish_text(world, platina):
    response = platina.post(url(world["ks_case"], "/status"), {"status": "finns-inte"})
    body = json.loads(response.content)
    assert body["title"] == "Ogiltiga uppgifter"
    assert body["detail"] == "E-tjänsten har ingen status med den koden."


def test_a_10_mb_json_body_is_refused(world, platina):
    case = world["ks_case"]
    before = snapshot(case)
    response = platina.post(url(case, "/notes"), {"body": "a" * 10 * 1024 * 1024})
    assert_problem(response, 413)
    assert snapshot(case) == before


def test_the_history_names_the_system_that_wrote(world, platina, client):
    """A status, an assignment and a note made through the API name the
    client in the case's history, where a staff member's name would be."""
    case = world["ks_case"]
    kerstin = staff_user("kerstin", committee=world["ks"])
    assert platina.post(url(case, "/status"), {"status": "handlaggs"}).status_code == 200
    assert platina.put(url(case, "/assignee"), {"username": "kerstin"}).status_code == 200
    assert platina.post(url(case, "/notes"), {"body": "Registrerat"}).status_code == 201
    kinds = (CaseEvent.Kind.STATUS, CaseEvent.Kind.ASSIGNED, CaseEvent.Kind.NOTE)
    events = case.events.filter(kind__in=kinds)
    assert sorted(e.kind for e in events) == sorted(kinds)
    assert {(e.system_name, e.staff_user) for e in events} == {("Platina", None)}
    log_in_staff(client, kerstin)
    page = client.get(reverse("staff:case", args=[case.pk])).content.decode()
    assert page.count("(av systemet Platina)") == 3
