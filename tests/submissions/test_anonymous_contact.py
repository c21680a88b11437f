"""An anonymous sender is not asked how they want to be answered, and their
receipt is reached with a token that names no person, never through the
session of whoever was logged in."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from etjanst.cases.models import Case
from etjanst.eservices.formschema import is_personal, parse_form
from etjanst.submissions.session import ANONYMOUS_RECEIPTS_COOKIE, RECEIPTS_KEY
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, submit
from tests.login import ANNA, log_in

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "synpunkt",
            "title": "Din synpunkt",
            "questions": [
                {"id": "text", "type": "long_text", "label": "Synpunkt", "required": True},
                {"id": "vill_ha_svar", "type": "yes_no", "label": "Vill du ha svar?"},
            ],
        },
        {
            "id": "kontakt",
            "title": "Dina kontaktuppgifter",
            "visible_if": {"question": "vill_ha_svar", "equals": "yes"},
            "questions": [
                {
                    "id": "svarssatt",
                    "type": "single_choice",
                    "label": "Hur vill du få svar?",
                    "required": True,
                    "choices": [
                        {"value": "epost", "label": "Med e-post"},
                        {"value": "telefon", "label": "Per telefon"},
                    ],
                },
                {
                    "id": "epost",
                    "type": "email",
                    "label": "E-postadress",
                    "required_if": {"question": "svarssatt", "equals": "epost"},
                },
                {
                    "id": "telefon",
                    "type": "phone",
                    "label": "Telefonnummer",
                    "required_if": {"question": "svarssatt", "equals": "telefon"},
                },
            ],
        },
    ]
}


def test_a_question_that_only_chooses_between_contact_questions_is_about_contact():
    form = parse_form(FORM)
    assert is_personal(form.question("svarssatt"))  # decides e-mail or phone only
    assert is_personal(form.question("vill_ha_svar"))  # opens only the contact step
    assert not is_personal(form.question("text"))


def test_an_anonymous_sender_is_not_asked_how_to_be_answered(client):
    eservice = EServiceFactory(form=FORM, login="optional", offers_anonymity=True)
    log_in(client, ANNA)
    client.post(reverse("portal:start", args=[eservice.slug]), {"anonymous": "yes"})
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert "Synpunkt" in page
    assert "Vill du ha svar?" not in page
    # Even a posted answer is not kept, and the contact step never comes.
    response = post_step(
        client, eservice, 1, {"q_text": "Mörkt vid badet", "q_vill_ha_svar": "yes"}
    )
    assert response["Location"] == reverse("portal:review", args=[eservice.slug])
    receipt = client.get(submit(client, eservice)["Location"])
    assert receipt.status_code == 200
    case = Case.objects.get()
    assert case.answers == {"_anonymous": True, "text": "Mörkt vid badet"}
    assert "Med e-post" not in receipt.content.decode()


def test_the_named_sender_is_still_asked(client):
    eservice = EServiceFactory(form=FORM, login="optional", offers_anonymity=True)
    client.post(reverse("portal:start", args=[eservice.slug]), {"anonymous": "no"})
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert "Vill du ha svar?" in page


def test_an_anonymous_receipt_is_never_kept_in_the_logged_in_session(client):
    eservice = EServiceFactory(form=FORM, login="optional", offers_anonymity=True)
    log_in(client, ANNA)
    client.post(reverse("portal:start", args=[eservice.slug]), {"anonymous": "yes"})
    post_step(client, eservice, 1, {"q_text": "Mörkt vid badet"})
    receipt_url = submit(client, eservice)["Location"]
    case = Case.objects.get()

    # The receipt opens, for this browser, through its own signed token.
    assert client.get(receipt_url).status_code == 200
    token = client.cookies[ANONYMOUS_RECEIPTS_COOKIE].value
    assert ANNA.personnummer not in token and "Anna" not in token
    # No stored session holds both the person and the case.
    for session in Session.objects.all():
        data = session.get_decoded()
        assert case.pk not in [r["case"] for r in data.get(RECEIPTS_KEY, [])]
        assert str(case.receipt_token) not in str(data)
    # Without the token (another browser, the same login), the receipt is not there.
    del client.cookies[ANONYMOUS_RECEIPTS_COOKIE]
    assert client.get(receipt_url).status_code == 404
