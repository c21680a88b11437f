"""Receipt texts that depend on the answers: the form JSON holds them with
a condition, the receipt shows those whose condition holds."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from etjanst.eservices.formschema import validate_form_json
from etjanst.eservices.models import EService
from etjanst.eservices.presentation import receipt_texts
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit

pytestmark = pytest.mark.django_db

ATTACHED = "Du bifogade intyget, så vi börjar direkt."
WAITING = "Vi börjar när vi har fått intyget."
FORM = {
    "steps": [
        {
            "id": "intyg",
            "title": "Intyget",
            "questions": [
                {
                    "id": "hur",
                    "type": "single_choice",
                    "widget": "radio",
                    "label": "Hur skickar du intyget?",
                    "required": True,
                    "choices": [
                        {"value": "bifogar", "label": "Jag bifogar det"},
                        {"value": "post", "label": "Med post"},
                    ],
                }
            ],
        }
    ],
    "receipt_texts": [
        {"text": ATTACHED, "visible_if": {"question": "hur", "equals": "bifogar"}},
        {"text": WAITING, "visible_if": {"question": "hur", "equals": "post"}},
        {"text": "Tack!"},
    ],
}


@pytest.mark.parametrize(
    ("choice", "shown", "hidden"), [("bifogar", ATTACHED, WAITING), ("post", WAITING, ATTACHED)]
)
def test_the_receipt_shows_the_texts_the_answers_call_for(client, choice, shown, hidden):
    eservice = EServiceFactory(form=FORM, after_submit_text="Vi har tagit emot ansökan.")
    start(client, eservice)
    post_step(client, eservice, 1, {"q_hur": choice})
    receipt = client.get(submit(client, eservice)["Location"]).content.decode()
    assert "Vi har tagit emot ansökan." in receipt
    assert shown in receipt and "Tack!" in receipt
    assert hidden not in receipt


@pytest.mark.parametrize(
    "condition",
    [{"question": "finns_inte", "equals": "x"}, {"question": "hur", "equals": "fax"}],
)
def test_a_receipt_text_condition_must_name_a_question_and_its_values(condition):
    form = {**FORM, "receipt_texts": [{"text": "X", "visible_if": condition}]}
    with pytest.raises(ValidationError, match="kvittotext 1"):
        validate_form_json(form)


def test_the_parking_receipt_does_not_wait_for_an_attached_certificate():
    call_command("load_demo", stdout=io.StringIO())
    eservice = EService.objects.get(slug="parkeringstillstand-for-rorelsehindrade")
    form = eservice.current_version.definition
    assert "läkarintyget" not in eservice.after_submit_text
    attached = receipt_texts(form, {"lakarintyg_hur": "bifogar"})
    assert attached and all("när vi har fått läkarintyget" not in t for t in attached)
    for way in ("lakaren", "post"):
        assert any(
            "när vi har fått läkarintyget" in t
            for t in receipt_texts(form, {"lakarintyg_hur": way})
        )
