"""The check before publishing: one test per rule, and its speed on 200
questions is measured in bench/builder.py."""

import pytest

from etjanst.eservices.lint import ERROR, WARNING, lint, lix
from tests.eservices.builder_forms import big_form

pytestmark = pytest.mark.django_db


def _form(*questions, **extra):
    return {"steps": [{"id": "s", "title": "Steg", "questions": list(questions)}], **extra}


YES = {"id": "barn", "type": "yes_no", "label": "Har du barn?"}
EMAIL = {"id": "epost", "type": "email", "label": "E-post"}


def _messages(eservice, form, level=None):
    return [f.message for f in lint(eservice, form) if level is None or f.level == level]


def _one(eservice, form, text, level):
    found = [f for f in lint(eservice, form) if text in f.message]
    assert found, _messages(eservice, form)
    assert found[0].level == level
    return found[0]


def test_a_good_form_has_no_findings(eservice):
    assert _messages(eservice, _form(YES, EMAIL)) == []


def test_no_steps_and_empty_steps_are_errors(eservice):
    _one(eservice, {"steps": []}, "inga steg", ERROR)
    finding = _one(
        eservice,
        {"steps": [{"id": "s", "title": "Tomt", "questions": []}]},
        "har inga frågor",
        ERROR,
    )
    assert finding.step_id == "s"


def test_condition_on_a_deleted_question(eservice):
    q = {
        "id": "x",
        "type": "short_text",
        "label": "X",
        "visible_if": {"question": "borta", "equals": "yes"},
    }
    finding = _one(eservice, _form(EMAIL, q), "inte finns längre", ERROR)
    assert finding.question_id == "x"


def test_condition_on_a_later_question(eservice):
    q = {
        "id": "x",
        "type": "short_text",
        "label": "X",
        "visible_if": {"question": "barn", "equals": "yes"},
    }
    _one(eservice, _form(EMAIL, q, YES), "kommer senare", ERROR)


def test_condition_on_a_choice_that_no_longer_exists(eservice):
    choice = {
        "id": "skola",
        "type": "single_choice",
        "label": "Skola",
        "choices": [{"value": "norra", "label": "Norra"}, {"value": "sodra", "label": "Södra"}],
    }
    q = {
        "id": "x",
        "type": "short_text",
        "label": "X",
        "visible_if": {"question": "skola", "equals": "vastra"},
    }
    _one(eservice, _form(EMAIL, choice, q), "svarsalternativ som inte finns", ERROR)


def test_a_question_that_can_never_be_shown(eservice):
    hidden = {
        "id": "a",
        "type": "yes_no",
        "label": "A",
        "visible_if": {"question": "barn", "equals": "maybe"},
    }
    follow = {
        "id": "b",
        "type": "short_text",
        "label": "B",
        "visible_if": {"question": "a", "equals": "yes"},
    }
    finding = _one(eservice, _form(EMAIL, YES, hidden, follow), "«B» kan aldrig visas", ERROR)
    assert finding.question_id == "b"


def test_two_questions_with_the_same_label_in_a_step(eservice):
    _one(eservice, _form(EMAIL, YES, {**YES, "id": "barn2"}), "Två frågor i steget", ERROR)


def test_confirmation_email_without_an_email_question(eservice):
    _one(eservice, _form(YES), "Bekräftelse per e-post", WARNING)
    assert _messages(eservice, _form(YES, confirmation_email=False)) == []


def test_login_required_but_anonymity_offered(eservice):
    eservice.login, eservice.offers_anonymity = "required", True
    _one(eservice, _form(EMAIL), "erbjuder anonymitet", WARNING)


def test_missing_personal_data_text_and_retention_rule(eservice):
    eservice.pd_purpose = eservice.personal_data_text = ""
    eservice.retention_rule = None
    _one(eservice, _form(EMAIL), "personuppgifterna", ERROR)
    assert _one(eservice, _form(EMAIL), "gallringsregel", ERROR).on_settings


def test_choices_without_text_and_file_without_types(eservice):
    choice = {
        "id": "c",
        "type": "single_choice",
        "label": "C",
        "choices": [{"value": "a", "label": " "}],
    }
    _one(eservice, _form(EMAIL, choice), "utan text", ERROR)
    _one(eservice, _form(EMAIL, {"id": "f", "type": "file", "label": "Bilaga"}), "filtyper", ERROR)


def test_hard_text_and_long_sentences_are_warnings(eservice):
    hard = (
        "Ansökningshandlingarna kompletteras företrädesvis elektroniskt genom "
        "kommunövergripande handläggningssystem, varefter myndighetsutövningen "
        "fortskrider enligt förvaltningslagens bestämmelser om kommunicering."
    )
    q = {"id": "i", "type": "info", "text": hard}
    _one(eservice, _form(EMAIL, q), "svår att läsa (LIX", WARNING)
    long = " ".join(["ord"] * 30) + "."
    _one(eservice, _form(EMAIL, {**q, "text": long}), "en mening med 30 ord", WARNING)


def test_lix_of_plain_swedish_is_low():
    value, words, longest = lix(
        "Du kan söka plats i fritidshem. Fyll i formuläret. Vi svarar inom en vecka."
    )
    assert value < 30 and words == 14 and longest == 6


def test_a_big_form_is_checked_without_false_findings(eservice):
    assert _messages(eservice, big_form(), ERROR) == []
