import copy

import pytest
from django.core.exceptions import ValidationError

from etjanst.eservices.formschema import parse_form, validate_form_json
from tests.eservices.factories import SIMPLE_FORM


def with_question(**question):
    form = copy.deepcopy(SIMPLE_FORM)
    form["steps"][0]["questions"].append(question)
    return form


def messages_for(form) -> str:
    with pytest.raises(ValidationError) as error:
        validate_form_json(form)
    return " ".join(error.value.messages)


def test_a_valid_form_passes_and_parses():
    validate_form_json(SIMPLE_FORM)
    form = parse_form(SIMPLE_FORM)
    assert [q.id for q in form.questions()] == ["rubrik", "epost"]
    assert form.question("rubrik").required is True


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"steps": []},
        {"steps": [{"id": "a", "title": "A", "questions": []}]},
        with_question(id="x", type="no_such_type", label="X"),
        with_question(id="Bad Id", type="short_text", label="X"),
        with_question(id="x", type="short_text"),  # no label
        with_question(id="x", type="single_choice", label="X"),  # no choices
        with_question(id="x", type="info"),  # no text
        with_question(id="x", type="short_text", label="X", unknown_key=1),
        with_question(id="x", type="file", label="X", validation={"file_types": ["exe"]}),
        with_question(id="x", type="date", label="X", validation={"min_date": "yesterday"}),
    ],
)
def test_schema_violations_are_refused_with_a_message(form):
    assert "Fel i formuläret" in messages_for(form)


def test_duplicate_question_ids_are_refused():
    assert "finns två gånger" in messages_for(
        with_question(id="rubrik", type="short_text", label="X")
    )


def test_a_condition_must_point_to_an_earlier_question():
    form = copy.deepcopy(SIMPLE_FORM)
    form["steps"][0]["questions"][0]["visible_if"] = {"question": "epost", "checked": True}
    assert "inte är en tidigare fråga" in messages_for(form)


def test_a_condition_must_use_existing_choice_values():
    form = with_question(
        id="val", type="single_choice", label="Val", choices=[{"value": "a", "label": "A"}]
    )
    form["steps"][0]["questions"].append(
        {
            "id": "mer",
            "type": "short_text",
            "label": "Mer",
            "visible_if": {"question": "val", "equals": "b"},
        }
    )
    assert "värden som val inte har" in messages_for(form)


def test_an_invalid_pattern_is_refused():
    assert "ogiltigt mönster" in messages_for(
        with_question(id="x", type="short_text", label="X", validation={"pattern": "(["})
    )


@pytest.mark.django_db
def test_the_demo_forms_are_valid():
    import io
    import json
    from pathlib import Path

    from etjanst.demo.management.commands.load_demo import Command

    Command(stdout=io.StringIO())._resources()  # what the booking e-service books

    folder = Path(__file__).parents[2] / "src" / "etjanst" / "demo" / "eservices"
    files = sorted(folder.glob("*.json"))
    assert files
    for file in files:
        validate_form_json(json.loads(file.read_text())["form"])


def test_conditions_that_can_never_hold_are_refused():
    form = with_question(id="svar", type="yes_no", label="Ja eller nej?")
    form["steps"][0]["questions"].append(
        {
            "id": "mer",
            "type": "short_text",
            "label": "Mer",
            "visible_if": {"question": "svar", "equals": "ja"},
        }
    )
    assert "värden som svar inte har" in messages_for(form)
    form = with_question(id="info", type="info", text="Läs detta")
    form["steps"][0]["questions"].append(
        {
            "id": "mer",
            "type": "short_text",
            "label": "Mer",
            "visible_if": {"question": "info", "checked": True},
        }
    )
    assert "inte har något svar" in messages_for(form)
