"""Marking questions as prefilled in the form JSON; the source registry;
the samordningsnummer option; production refuses the simulator."""

import copy

import pytest
from django.core.exceptions import ValidationError

from etjanst.eservices.formschema import PrefillSpec, parse_form, validate_form_json
from etjanst.eservices.questions import AnswerError, question_types
from etjanst.plugins.registry import Registry
from etjanst.prefill.base import PersonRecord, PrefillSource
from etjanst.prefill.registry import prefill_sources
from tests.config.test_settings import PRODUCTION_ENV, manage
from tests.eservices.factories import SIMPLE_FORM
from tests.prefill.conftest import PREFILL_FORM


def with_question(**question):
    form = copy.deepcopy(SIMPLE_FORM)
    form["steps"][0]["questions"].append(question)
    return form


def messages_for(form) -> str:
    with pytest.raises(ValidationError) as error:
        validate_form_json(form)
    return " ".join(error.value.messages)


def test_a_prefilled_question_parses_with_its_source_attribute_and_lock():
    validate_form_json(PREFILL_FORM)
    form = parse_form(PREFILL_FORM)
    assert form.question("namn").prefill == PrefillSpec("navet", "name", locked=True)
    assert form.question("kontakt").prefill.locked is False
    assert "prefill" not in form.question("namn").options


@pytest.mark.parametrize(
    ("prefill", "type_", "expected"),
    [
        ({"source": "spar", "attribute": "name"}, "short_text", "spar, som inte finns"),
        ({"source": "navet", "attribute": "skonummer"}, "short_text", "som navet inte har"),
        ({"source": "navet", "attribute": "address"}, "email", "kan inte fyllas i med address"),
        ({"source": "navet", "attribute": "children"}, "short_text", "kan inte fyllas i"),
    ],
)
def test_a_prefill_the_source_cannot_give_is_refused(prefill, type_, expected):
    assert expected in messages_for(with_question(id="x", type=type_, label="X", prefill=prefill))


def test_a_prefill_needs_a_source_and_an_attribute():
    form = with_question(id="x", type="short_text", label="X", prefill={"source": "navet"})
    assert "attribute" in messages_for(form)


def test_sources_are_looked_up_by_id_in_a_registry():
    assert "navet" in prefill_sources
    registry: Registry[PrefillSource] = Registry()

    @registry.register("register")
    class Fake(PrefillSource):
        attributes = {"name": ("short_text",)}

        def fetch(self, personnummer):
            return PersonRecord(personnummer, "Anna", "Test")

    assert registry["register"].identifier == "register"
    assert registry["register"].fetch("198105082393").name == "Anna Test"


def test_a_protected_record_never_holds_an_address():
    from etjanst.prefill.base import Address

    record = PersonRecord(
        "198105082393", "Anna", "Test", address=Address("Gatan 1", "123 45", "By"), protected=True
    )
    assert record.address is None
    assert record.as_session()["address"] is None


def test_samordningsnummer_are_accepted_only_with_the_option():
    question_type = question_types["personnummer"]
    plain = parse_form(with_question(id="x", type="personnummer", label="X")).question("x")
    allowing = parse_form(
        with_question(id="x", type="personnummer", label="X", allow_samordningsnummer=True)
    ).question("x")
    assert question_type.clean(allowing, "150388+2399", required=True) == "191503882399"
    with pytest.raises(AnswerError) as caught:
        question_type.clean(plain, "150388+2399", required=True)
    assert "samordningsnummer" in caught.value.messages[""]


def test_production_refuses_navet_anywhere_but_skatteverket():
    env = {
        **PRODUCTION_ENV,
        "BANKID_BASE_URL": "https://appapi2.bankid.com/rp/v6.0",
        "ETJANST_PREFILL_SOURCES": "navet",
        "NAVET_URL": "https://127.0.0.1:8445/na/na_epersondata/V2/personpostXML",
    }
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "NAVET_URL" in result.stderr
    real = "https://www2.test.skatteverket.se/na/na_epersondata/V2/personpostXML"
    assert manage("check", env={**env, "NAVET_URL": real}).returncode == 0
