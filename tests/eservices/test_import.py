"""Import and export as JSON: every problem at once, in Swedish, at its
place; nothing stored when anything is wrong; the admin shows the same."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from etjanst.eservices import actions
from etjanst.eservices.models import EService

pytestmark = pytest.mark.django_db


def test_export_and_import_round_trip_into_a_draft(eservice):
    document = actions.export_eservice(eservice=eservice)
    document["slug"] = "kopia"
    made, draft = actions.import_eservice(data=document, publish=False)
    assert made.slug == "kopia" and draft.published_at is None
    assert draft.form == eservice.current_version.form


def test_a_syntax_error_says_line_and_column():
    with pytest.raises(ValidationError) as refused:
        actions.parse_document('{\n  "slug": "x",\n  "name": "y",,\n}')
    assert refused.value.messages == [
        "JSON-texten är inte giltig på rad 3, kolumn 15: ett namn inom dubbla citattecken "
        "saknas (kanske ett kommatecken för mycket)."
    ]


def test_every_problem_is_reported_at_once_at_its_place_and_nothing_is_stored(eservice):
    document = actions.export_eservice(eservice=eservice)
    document["slug"] = "ny-tjanst"
    del document["name"]
    document["form"]["steps"][0]["questions"][0]["type"] = "ja_nej"
    document["form"]["steps"][0]["questions"][1]["label"] = ""
    with pytest.raises(ValidationError) as refused:
        actions.import_eservice(data=document)
    messages = refused.value.messages
    assert "Uppgiften name saknas eller är inte en text." in messages
    assert any(
        "Steg 1 «Ditt ärende», fråga 1 «Rubrik», fältet type: «ja_nej» är inte tillåtet" in m
        for m in messages
    )
    assert any("fråga 2, fältet label: Texten får inte vara tom." in m for m in messages)
    assert not EService.objects.filter(slug="ny-tjanst").exists()


def test_the_admin_shows_the_form_indented_and_errors_in_swedish(admin_client, eservice):
    version = actions.add_version(eservice=eservice, form=eservice.current_version.form)
    page = admin_client.get(f"/admin/eservices/eserviceversion/{version.pk}/change/")
    line = json.dumps(version.form, ensure_ascii=False, indent=2).split("\n")[1]
    assert escape(line) in page.content.decode()
    response = admin_client.post(
        "/admin/eservices/eserviceversion/add/",
        {
            "eservice": eservice.pk,
            "number": 5,
            "form": '{"steps": [\n  {"id": "x",}\n]}',
            "accepts_drafts": "on",
        },
    )
    assert "rad 2, kolumn" in response.content.decode()
