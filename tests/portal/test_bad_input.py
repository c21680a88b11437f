"""Bad input gets a clear Swedish message, stores nothing and never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from etjanst.cases.models import Attachment, Case
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.filling import form_state, post_step, start, submit

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "uppgifter",
            "title": "Uppgifter",
            "questions": [
                {
                    "id": "namn",
                    "type": "short_text",
                    "label": "Namn",
                    "required": True,
                    "validation": {"max_length": 50},
                },
                {
                    "id": "antal",
                    "type": "number",
                    "label": "Antal",
                    "validation": {"min": 1, "max": 10},
                },
                {"id": "pnr", "type": "personnummer", "label": "Personnummer"},
                {
                    "id": "bilaga",
                    "type": "file",
                    "label": "Bilaga",
                    "validation": {"file_types": ["png"], "max_size_mb": 0.01},
                },
            ],
        },
        {
            "id": "mer",
            "title": "Mer",
            "questions": [{"id": "ovrigt", "type": "long_text", "label": "Övrigt"}],
        },
    ]
}


@pytest.fixture
def eservice():
    return EServiceFactory(form=FORM)


@pytest.fixture
def started(client, eservice):
    start(client, eservice)
    return client


def assert_nothing_stored(client, eservice):
    assert Case.objects.count() == 0
    assert Attachment.objects.count() == 0
    state = form_state(client, eservice)
    assert state is None or state["answers"] == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q_namn": "", "q_antal": "2"}, "Fyll i ”Namn”."),
        ({"q_namn": "x" * 51}, "högst 50 tecken"),
        ({"q_namn": "Anna", "q_antal": "två"}, "Skriv ett tal"),
        ({"q_namn": "Anna", "q_antal": "11"}, "inte vara större än 10"),
        (
            {"q_namn": "Anna", "q_pnr": "19810508-2392"},
            "kontrollsiffran (den sista siffran) är fel",
        ),
        ({"q_namn": "Anna", "q_pnr": "hej"}, "12 siffror"),
        ({"q_namn": ["Anna", "Bertil"], "q_antal": ["1", "x"]}, "Skriv ett tal"),
    ],
)
def test_invalid_answers_are_explained_and_not_stored(started, eservice, data, message):
    response = post_step(started, eservice, 1, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Det finns fel i formuläret" in html
    assert message in html
    assert 'aria-invalid="true"' in html
    assert_nothing_stored(started, eservice)


def test_a_forbidden_file_type_is_refused(started, eservice):
    fake = SimpleUploadedFile("bild.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = post_step(
        started, eservice, 1, {"q_namn": "Anna", "q_bilaga": fake}, shown=["namn", "bilaga"]
    )
    assert response.status_code == 400
    # The name says PNG, the content is a program: say so, not "wrong type".
    assert "heter .png, men innehållet är inte en PNG-fil" in response.content.decode()
    assert_nothing_stored(started, eservice)


def test_an_oversized_file_is_refused(started, eservice):
    big = SimpleUploadedFile("stor.png", PNG_BYTES + b"\0" * 20_000, content_type="image/png")
    response = post_step(
        started, eservice, 1, {"q_namn": "Anna", "q_bilaga": big}, shown=["namn", "bilaga"]
    )
    assert response.status_code == 400
    assert "för stor" in response.content.decode()
    assert_nothing_stored(started, eservice)


def test_a_valid_file_is_not_stored_when_another_answer_is_wrong(started, eservice):
    ok = SimpleUploadedFile("ok.png", PNG_BYTES, content_type="image/png")
    response = post_step(
        started, eservice, 1, {"q_namn": "", "q_bilaga": ok}, shown=["namn", "bilaga"]
    )
    assert response.status_code == 400
    assert_nothing_stored(started, eservice)


def test_tampered_step_numbers_are_redirected_with_a_message(started, eservice):
    for number in (2, 3, 99):
        response = started.get(reverse("portal:step", args=[eservice.slug, number]), follow=True)
        assert response.redirect_chain[-1][0].endswith("/steg/1/")
        assert "Fyll i stegen i tur och ordning" in response.content.decode()
    response = post_step(started, eservice, 2, {"q_ovrigt": "hoppar över steg 1"})
    assert response.status_code == 302
    assert_nothing_stored(started, eservice)
    assert started.get(reverse("portal:step", args=[eservice.slug, 0])).status_code == 302
    response = started.get(f"/e-tjanster/{eservice.slug}/steg/-1/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_unknown_question_ids_are_ignored_and_not_stored(started, eservice):
    response = post_step(
        started, eservice, 1, {"q_namn": "Anna", "q_hemlig": "x", "q_namn__evil": "y"}
    )
    assert response.status_code == 302
    assert form_state(started, eservice)["answers"] == {"namn": "Anna"}


def test_review_and_submit_without_a_started_form_are_refused(client, eservice):
    response = client.post(
        reverse("portal:review", args=[eservice.slug]), {"submission_key": "x"}, follow=True
    )
    assert "tryck sedan på Starta" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_forged_submission_key_sends_nothing(started, eservice):
    post_step(started, eservice, 1, {"q_namn": "Anna"})
    post_step(started, eservice, 2, {})
    started.get(reverse("portal:review", args=[eservice.slug]))
    response = started.post(
        reverse("portal:review", args=[eservice.slug]),
        {"submission_key": "00000000-0000-0000-0000-000000000000"},
        follow=True,
    )
    assert "Granska dem igen" in response.content.decode()
    assert Case.objects.count() == 0
    response = started.post(
        reverse("portal:review", args=[eservice.slug]), {"submission_key": "inte-en-uuid"}
    )
    assert response.status_code == 302
    assert Case.objects.count() == 0
    assert submit(started, eservice).status_code == 302
    assert Case.objects.count() == 1


def test_a_missing_csrf_token_is_refused_in_swedish(eservice):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("portal:start", args=[eservice.slug]))
    assert response.status_code == 403
    assert "Sidan behöver laddas om" in response.content.decode()
    assert form_state(client, eservice) is None


def test_an_enormous_request_is_refused_before_it_is_read(started, eservice, settings):
    settings.ETJANST_MAX_REQUEST_SIZE = 1000
    big = SimpleUploadedFile("stor.png", PNG_BYTES + b"\0" * 5000, content_type="image/png")
    response = post_step(started, eservice, 1, {"q_namn": "Anna", "q_bilaga": big})
    assert response.status_code == 413
    assert "för stora" in response.content.decode()
    assert_nothing_stored(started, eservice)


def test_too_many_fields_get_a_swedish_400(started, eservice):
    data = {f"q_x{i}": "1" for i in range(1200)}
    response = post_step(started, eservice, 1, data, shown=[])
    assert response.status_code == 400
    assert "Något blev fel i förfrågan" in response.content.decode()


def test_unknown_eservice_and_receipt_are_404(client, eservice):
    assert client.get("/e-tjanster/finns-inte/").status_code == 404
    assert client.get(f"/e-tjanster/{eservice.slug}/kvitto/gissning/").status_code == 404


def test_a_get_to_a_post_only_address_goes_back_to_the_intro(client, eservice):
    for name in ("portal:start", "portal:cancel"):
        response = client.get(reverse(name, args=[eservice.slug]))
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:intro", args=[eservice.slug])
    assert form_state(client, eservice) is None
