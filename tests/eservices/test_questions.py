"""Every question type's cleaning and validation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from etjanst.eservices.formschema import Choice, Question
from etjanst.eservices.questions import AnswerError, question_types
from etjanst.eservices.questions.types import FileAnswer
from tests.files import DOCX_BYTES, PDF_BYTES, PNG_BYTES

CHOICES = (Choice("a", "Alfa"), Choice("b", "Beta"), Choice("c", "Gamma"))


def clean(type_, raw, *, required=True, existing=None, **question):
    q = Question(id="q", type=type_, label="Frågan", **question)
    return question_types[type_].clean(q, raw, required=required, existing=existing)


def error(type_, raw, **kwargs) -> str:
    with pytest.raises(AnswerError) as exc:
        clean(type_, raw, **kwargs)
    return " ".join(exc.value.messages.values())


def test_every_type_in_the_schema_is_registered():
    import json

    from etjanst.eservices.formschema import SCHEMA_PATH

    schema = json.loads(SCHEMA_PATH.read_text())
    types = schema["$defs"]["question"]["properties"]["type"]["enum"]
    assert sorted(types) == sorted(question_types.ids())


@pytest.mark.parametrize("type_", ["short_text", "long_text", "number", "email", "phone", "date"])
def test_required_questions_refuse_empty_answers(type_):
    assert "Fyll i ”Frågan”." in error(type_, "  ")


@pytest.mark.parametrize(
    "type_", ["short_text", "number", "email", "phone", "personnummer", "date"]
)
def test_optional_empty_answers_are_none(type_):
    assert clean(type_, "", required=False) is None


def test_a_question_can_say_what_is_missing_in_its_own_words():
    message = error("short_text", "", options={"required_message": "Skriv vad felet gäller."})
    assert message == "Skriv vad felet gäller."


def test_short_text_length_and_pattern():
    assert clean("short_text", "  Hej  ") == "Hej"
    assert "högst 200 tecken" in error("short_text", "x" * 201)
    assert "högst 5 tecken" in error("short_text", "x" * 6, validation={"max_length": 5})
    assert "minst 3 tecken" in error("short_text", "xy", validation={"min_length": 3})
    rules = {"pattern": r"[A-Z]{3}\d{3}", "pattern_message": "Skriv ett registreringsnummer."}
    assert clean("short_text", "ABC123", validation=rules) == "ABC123"
    assert error("short_text", "abc", validation=rules) == "Skriv ett registreringsnummer."


def test_long_text_allows_4000_characters_by_default():
    assert len(clean("long_text", "x" * 4000)) == 4000
    assert "högst 4000 tecken" in error("long_text", "x" * 4001)


def test_number_accepts_swedish_decimals_and_checks_range():
    assert clean("number", "12,5") == 12.5
    assert clean("number", "1 000") == 1000
    assert "Skriv ett tal" in error("number", "tolv")
    assert "Skriv ett tal" in error("number", "1e999999")
    assert "heltal" in error("number", "1,5", validation={"integer": True})
    assert "mindre än 1" in error("number", "0", validation={"min": 1})
    assert "större än 10" in error("number", "11", validation={"max": 10})


def test_email():
    assert clean("email", "anna@example.se") == "anna@example.se"
    assert "namn@exempel.se" in error("email", "anna@")
    assert "namn@exempel.se" in error("email", "a" * 250 + "@x.se")


def test_phone():
    assert clean("phone", "070-123 45 67") == "070-123 45 67"
    assert clean("phone", "+46 70 123 45 67") == "+46 70 123 45 67"
    assert "7–15 siffror" in error("phone", "123")
    assert "7–15 siffror" in error("phone", "ring mig")


def test_personnummer_is_checked_and_normalised():
    # Skatteverket's test numbers (shared/data/testpersonnummer.json).
    assert clean("personnummer", "19810508-2393") == "198105082393"
    assert clean("personnummer", "810508-2393") == "198105082393"
    assert "kontrollsiffran" in error("personnummer", "19810508-2392")  # wrong check digit
    assert "10 eller 12 siffror" in error("personnummer", "abc")


def test_date_format_and_relative_range(time_machine):
    time_machine.move_to("2026-11-26 12:00 +01:00")
    assert clean("date", "2026-12-01") == "2026-12-01"
    assert "ÅÅÅÅ-MM-DD" in error("date", "1/12/2026")
    assert "ÅÅÅÅ-MM-DD" in error("date", "2026-02-30")
    assert "före 2026-11-26" in error("date", "2026-11-25", validation={"min_date": "today"})
    assert "efter 2026-12-06" in error("date", "2026-12-07", validation={"max_date": "today+10"})


def test_single_choice_must_be_one_of_the_choices():
    assert clean("single_choice", "b", choices=CHOICES) == "b"
    assert "Välj ett av alternativen" in error("single_choice", "z", choices=CHOICES)
    assert "Välj ett alternativ" in error("single_choice", "", choices=CHOICES)


def test_multiple_choice_keeps_form_order_and_counts():
    assert clean("multiple_choice", ["c", "a", "c"], choices=CHOICES) == ["a", "c"]
    assert "Välj bland" in error("multiple_choice", ["a", "zz"], choices=CHOICES)
    assert "minst ett" in error("multiple_choice", [], choices=CHOICES)
    assert "högst 1" in error(
        "multiple_choice", ["a", "b"], choices=CHOICES, validation={"max_choices": 1}
    )


def test_yes_no_and_confirmation():
    assert clean("yes_no", "yes") == "yes"
    assert "ja eller nej" in error("yes_no", "kanske")
    assert clean("confirmation", "on") is True
    assert "Kryssa i rutan" in error("confirmation", "")


def test_info_has_no_answer():
    assert question_types["info"].has_answer is False
    assert clean("info", "anything", text="Info") is None


def test_address_parts_are_checked_each():
    value = clean("address", {"street": "Storgatan 1", "postal_code": "12345", "city": "Exempelby"})
    assert value == {"street": "Storgatan 1", "postal_code": "123 45", "city": "Exempelby"}
    with pytest.raises(AnswerError) as exc:
        clean("address", {"street": "", "postal_code": "1234", "city": "Exempelby"})
    assert set(exc.value.messages) == {"street", "postal_code"}


def test_contact_needs_name_and_email_by_default():
    value = clean("contact", {"name": "Anna Andersson", "email": "anna@example.se", "phone": ""})
    assert value == {"name": "Anna Andersson", "email": "anna@example.se"}
    with pytest.raises(AnswerError) as exc:
        clean("contact", {"name": "", "email": "fel", "phone": "1"})
    assert set(exc.value.messages) == {"name", "email", "phone"}


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_files_are_checked_by_content_not_by_name():
    answer = clean("file", {"remove": [], "files": [upload("bild.png", PNG_BYTES)]})
    assert isinstance(answer, FileAnswer)
    assert answer.new[0][1].id == "png"
    # A PDF called .png is a PDF: accepted as what it is.
    answer = clean("file", {"remove": [], "files": [upload("lurig.png", PDF_BYTES)]})
    assert answer.new[0][1].id == "pdf"
    # An executable called .png is refused, and told that it is not what its name says.
    refused = error(
        "file", {"remove": [], "files": [upload("virus.png", b"MZ\x90\x00" * 50, "image/png")]}
    )
    assert "heter .png, men innehållet är inte en PNG-fil" in refused
    # Named as nothing accepted: the types that are accepted are listed.
    refused = error(
        "file", {"remove": [], "files": [upload("virus.exe", b"MZ\x90\x00" * 50, "image/png")]}
    )
    assert "filtyp som inte tas emot" in refused
    # Word documents only where the e-service accepts them.
    assert "filtyp" in error("file", {"remove": [], "files": [upload("a.docx", DOCX_BYTES)]})
    answer = clean(
        "file",
        {"remove": [], "files": [upload("a.docx", DOCX_BYTES)]},
        validation={"file_types": ["docx"]},
    )
    assert answer.new[0][1].id == "docx"


def test_file_size_count_and_required():
    big = upload("stor.png", PNG_BYTES + b"\0" * (1024 * 1024))
    assert "för stor" in error(
        "file", {"remove": [], "files": [big]}, validation={"max_size_mb": 1}
    )
    assert "är tom" in error("file", {"remove": [], "files": [upload("tom.png", b"")]})
    two = [upload("a.png", PNG_BYTES), upload("b.png", PNG_BYTES)]
    assert "en fil här" in error("file", {"remove": [], "files": two})
    assert "Bifoga en fil" in error("file", {"remove": [], "files": []})
    kept = [{"id": "1", "name": "a.png", "size": 10}]
    assert clean("file", {"remove": [], "files": []}, existing=kept).kept == kept
    assert "Bifoga en fil" in error("file", {"remove": ["1"], "files": []}, existing=kept)


def test_display_texts():
    q = Question(id="q", type="multiple_choice", label="X", choices=CHOICES)
    assert question_types["multiple_choice"].display(q, ["a", "c"]) == "Alfa, Gamma"
    q = Question(id="q", type="personnummer", label="X")
    assert question_types["personnummer"].display(q, "198105082393") == "19810508-2393"
    q = Question(id="q", type="address", label="X")
    shown = question_types["address"].display(
        q, {"street": "Storgatan 1", "postal_code": "123 45", "city": "By"}
    )
    assert shown == "Storgatan 1, 123 45 By"
