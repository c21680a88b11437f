"""The resident's journey through the test client: start, steps, review,
submit, receipt, PDF and e-mail."""

import json

import pytest
from django.urls import reverse

from etjanst.cases.models import Case
from tests.eservices.factories import EServiceFactory
from tests.filling import submit

pytestmark = pytest.mark.django_db

TWO_STEPS = {
    "steps": [
        {
            "id": "fel",
            "title": "Felet",
            "questions": [
                {
                    "id": "typ",
                    "type": "single_choice",
                    "label": "Vad gäller det?",
                    "required": True,
                    "choices": [
                        {"value": "lampa", "label": "Belysning"},
                        {"value": "annat", "label": "Annat"},
                    ],
                },
                {
                    "id": "stolpe",
                    "type": "short_text",
                    "label": "Stolpnummer",
                    "required": True,
                    "visible_if": {"question": "typ", "equals": "lampa"},
                },
                {
                    "id": "beskrivning",
                    "type": "long_text",
                    "label": "Beskrivning",
                    "required": True,
                },
            ],
        },
        {
            "id": "kontakt",
            "title": "Kontakt",
            "questions": [{"id": "epost", "type": "email", "label": "E-post", "required": True}],
        },
    ]
}


def start(client, eservice):
    response = client.post(reverse("portal:start", args=[eservice.slug]))
    assert response.status_code == 302
    return response


def test_resident_sends_an_eservice_and_gets_a_registration_number(client, mailbox, run_tasks):
    eservice = EServiceFactory(form=TWO_STEPS, committee__prefix="TN")
    start(client, eservice)
    step1 = reverse("portal:step", args=[eservice.slug, 1])
    page = client.get(step1)
    assert "Steg 1 av 2" in page.content.decode()
    response = client.post(
        step1,
        {
            "q_typ": "lampa",
            "q_stolpe": "A-12",
            "q_beskrivning": "Lampan är släckt",
            "shown": ["typ", "stolpe", "beskrivning"],
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/steg/2/")
    response = client.post(
        reverse("portal:step", args=[eservice.slug, 2]),
        {"q_epost": "anna@example.se", "shown": ["epost"]},
    )
    assert response["Location"].endswith("/granska/")
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    assert "Lampan är släckt" in review.content.decode()
    key = review.context["submission_key"]
    response = client.post(reverse("portal:review", args=[eservice.slug]), {"submission_key": key})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.registration_number.startswith("TN ")
    assert case.answers == {
        "typ": "lampa",
        "stolpe": "A-12",
        "beskrivning": "Lampan är släckt",
        "epost": "anna@example.se",
    }
    receipt = client.get(response["Location"])
    assert "Ditt ärende är nu inskickat" in receipt.content.decode()
    assert case.registration_number in receipt.content.decode()

    run_tasks()
    messages = mailbox.wait_for(1)
    assert messages[0]["To"] == "anna@example.se"
    assert case.registration_number in messages[0]["Subject"]
    case.refresh_from_db()
    assert case.confirmation_sent_at is not None
    assert case.receipt_pdf

    pdf = client.get(reverse("portal:receipt_pdf", args=[eservice.slug, case.receipt_token]))
    assert pdf.status_code == 200
    body = b"".join(pdf.streaming_content)
    assert body.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]


def test_double_submit_makes_one_case(client):
    eservice = EServiceFactory()
    start(client, eservice)
    client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_rubrik": "Hej", "shown": ["rubrik", "epost"]},
    )
    key = client.get(reverse("portal:review", args=[eservice.slug])).context["submission_key"]
    first = client.post(reverse("portal:review", args=[eservice.slug]), {"submission_key": key})
    second = client.post(reverse("portal:review", args=[eservice.slug]), {"submission_key": key})
    assert Case.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_without_javascript_newly_relevant_questions_are_shown_before_going_on(client):
    eservice = EServiceFactory(form=TWO_STEPS)
    start(client, eservice)
    step1 = reverse("portal:step", args=[eservice.slug, 1])
    # The page showed typ and beskrivning; choosing "lampa" reveals stolpe.
    response = client.post(
        step1, {"q_typ": "lampa", "q_beskrivning": "Släckt", "shown": ["typ", "beskrivning"]}
    )
    assert response.status_code == 400  # stolpe is required and now visible
    assert "Stolpnummer" in response.content.decode()
    # An optional newly shown question is shown once, without an error.
    form = json.loads(json.dumps(TWO_STEPS))
    form["steps"][0]["questions"][1]["required"] = False
    optional = EServiceFactory(form=form)
    start(client, optional)
    step1 = reverse("portal:step", args=[optional.slug, 1])
    response = client.post(
        step1, {"q_typ": "lampa", "q_beskrivning": "Släckt", "shown": ["typ", "beskrivning"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "fler frågor visas" in html
    assert 'id="question-stolpe"' in html and 'id="question-stolpe" hidden' not in html
    response = client.post(
        step1,
        {"q_typ": "lampa", "q_beskrivning": "Släckt", "shown": ["typ", "stolpe", "beskrivning"]},
    )
    assert response["Location"].endswith("/steg/2/")


def test_back_keeps_answers_and_change_from_review_returns_to_review(client):
    eservice = EServiceFactory(form=TWO_STEPS)
    start(client, eservice)
    client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_typ": "annat", "q_beskrivning": "Skräp", "shown": ["typ", "beskrivning"]},
    )
    response = client.post(
        reverse("portal:step", args=[eservice.slug, 2]), {"q_epost": "", "action": "back"}
    )
    assert response["Location"].endswith("/steg/1/")
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert "Skräp" in page and 'value="annat" checked' in page
    client.post(reverse("portal:step", args=[eservice.slug, 2]), {"q_epost": "a@example.se"})
    response = client.post(
        reverse("portal:step", args=[eservice.slug, 1]) + "?granska=1",
        {"q_typ": "annat", "q_beskrivning": "Mycket skräp", "shown": ["typ", "beskrivning"]},
    )
    assert response["Location"].endswith("/granska/")
    assert "Mycket skräp" in client.get(response["Location"]).content.decode()


def test_a_skipped_step_changes_the_step_count(client):
    form = json.loads(json.dumps(TWO_STEPS))
    form["steps"][1]["visible_if"] = {"question": "typ", "equals": "lampa"}
    eservice = EServiceFactory(form=form)
    start(client, eservice)
    assert (
        "Steg 1 av 1"
        in client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    )
    response = client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_typ": "annat", "q_beskrivning": "x", "shown": ["typ", "beskrivning"]},
    )
    assert response["Location"].endswith("/granska/")
    submit(client, eservice)
    assert Case.objects.get().answers == {"typ": "annat", "beskrivning": "x"}


def test_the_receipt_says_where_the_confirmation_goes(client):
    eservice = EServiceFactory()
    start(client, eservice)
    client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_rubrik": "Hej", "q_epost": "bo@example.se", "shown": ["rubrik", "epost"]},
    )
    receipt = client.get(submit(client, eservice)["Location"])
    assert "Vi skickar också en bekräftelse till bo@example.se" in receipt.content.decode()
    assert receipt["Cache-Control"] == "private, no-store"


def test_answers_that_went_stale_are_caught_at_submit_with_links_to_the_step(client, time_machine):
    form = {
        "steps": [
            {
                "id": "tid",
                "title": "Tid",
                "questions": [
                    {
                        "id": "datum",
                        "type": "date",
                        "label": "Önskat datum",
                        "required": True,
                        "validation": {"min_date": "today"},
                    }
                ],
            }
        ]
    }
    eservice = EServiceFactory(form=form)
    time_machine.move_to("2026-11-26 23:00 +01:00")
    start(client, eservice)
    client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_datum": "2026-11-26", "shown": ["datum"]},
    )
    key = client.get(reverse("portal:review", args=[eservice.slug])).context["submission_key"]
    time_machine.move_to("2026-11-27 01:00 +01:00")  # past midnight: the date is in the past
    response = client.post(reverse("portal:review", args=[eservice.slug]), {"submission_key": key})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ärendet kan inte skickas än" in html
    assert f'href="/e-tjanster/{eservice.slug}/steg/1/?granska=1"' in html
    assert "inte vara före 2026-11-27" in html
    assert Case.objects.count() == 0
