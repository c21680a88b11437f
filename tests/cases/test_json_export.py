"""The staff JSON export names each question and the chosen option texts
beside the stored codes, so that a person (or a case-management system)
can read it without the form definition."""

import json

import pytest
from django.urls import reverse

from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "fordon",
            "title": "Fordon",
            "questions": [
                {"id": "korkort", "type": "yes_no", "label": "Har du körkort?"},
                {
                    "id": "tillstand_som",
                    "type": "single_choice",
                    "label": "Du söker tillstånd som",
                    "choices": [
                        {"value": "forare", "label": "Förare"},
                        {"value": "passagerare", "label": "Passagerare"},
                    ],
                },
                {
                    "id": "hjalpmedel",
                    "type": "multiple_choice",
                    "label": "Hjälpmedel",
                    "choices": [
                        {"value": "rullstol", "label": "Rullstol"},
                        {"value": "rollator", "label": "Rollator"},
                        {"value": "kryckor", "label": "Kryckor"},
                    ],
                },
                {"id": "rubrik", "type": "short_text", "label": "Rubrik"},
            ],
        }
    ]
}


def test_the_export_has_labels_and_option_texts_beside_the_codes(client):
    committee = CommitteeFactory(name="Socialnämnden", prefix="SN")
    eservice = EServiceFactory(committee=committee, login="optional", form=FORM)
    case = owned_case(
        eservice,
        answers={
            "korkort": "yes",
            "tillstand_som": "forare",
            "hjalpmedel": ["rullstol", "kryckor"],
            "rubrik": "Parkering",
        },
    )
    log_in_staff(client, staff_user("sara", committee=committee))
    document = json.loads(client.get(reverse("staff:export_json", args=[case.pk])).content)
    assert document["answers"]["korkort"] == "yes"  # the codes stay as they were
    by_id = {item["id"]: item for item in document["answers_labelled"]}
    assert by_id["korkort"] == {
        "id": "korkort",
        "step": "Fordon",
        "label": "Har du körkort?",
        "value": "yes",
        "text": "Ja",
    }
    assert by_id["tillstand_som"]["label"] == "Du söker tillstånd som"
    assert by_id["tillstand_som"]["chosen"] == [{"value": "forare", "text": "Förare"}]
    assert by_id["hjalpmedel"]["chosen"] == [
        {"value": "rullstol", "text": "Rullstol"},
        {"value": "kryckor", "text": "Kryckor"},
    ]
    assert by_id["hjalpmedel"]["text"] == "Rullstol, Kryckor"
    assert by_id["rubrik"]["text"] == "Parkering"
    assert [item["id"] for item in document["answers_labelled"]] == [
        "korkort",
        "tillstand_som",
        "hjalpmedel",
        "rubrik",
    ]
