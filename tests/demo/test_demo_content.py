"""The demo municipality (Exempelby kommun): its e-services load, together
use every question type and every condition, and each one can be filled in
and sent through the resident's pages, along a path that shows as much as
possible and along one that answers as little as possible."""

import datetime
import io
import json
import re
import struct
import zlib
from decimal import ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import etjanst.demo
from etjanst.cases.models import Case
from etjanst.eservices.conditions import (
    condition_holds,
    is_question_required,
    is_question_visible,
    visible_steps,
)
from etjanst.eservices.formschema import Condition, FormDefinition, Question, parse_form
from etjanst.eservices.models import Category, EService, EServiceVersion
from etjanst.eservices.questions import question_types
from etjanst.organisation.models import Committee
from tests.filling import form_state
from tests.login import ANNA, log_in

pytestmark = pytest.mark.django_db

DEMO_FILES = sorted((Path(etjanst.demo.__file__).parent / "eservices").glob("*.json"))
DEMO = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in DEMO_FILES}
OPERATORS = {"equals", "not_equals", "one_of", "checked"}

# Skatteverket's test numbers (shared/data/testpersonnummer.json): no real person.
ADULT_PERSONNUMMER = "19810508-2393"
CHILD_PERSONNUMMER = "20180917-2388"


def load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def demo():
    load_demo()


def all_questions(data: dict) -> list[dict]:
    return [q for step in data["form"]["steps"] for q in step["questions"]]


# Loading ------------------------------------------------------------------


def test_load_demo_publishes_at_least_five_eservices_and_is_idempotent():
    load_demo()
    assert EService.objects.published().count() >= 5
    assert set(EService.objects.values_list("slug", flat=True)) >= set(DEMO)
    counts = (
        EService.objects.count(),
        EServiceVersion.objects.count(),
        Committee.objects.count(),
        Category.objects.count(),
    )
    versions = dict(EServiceVersion.objects.values_list("eservice__slug", "number"))

    load_demo()

    assert (
        EService.objects.count(),
        EServiceVersion.objects.count(),
        Committee.objects.count(),
        Category.objects.count(),
    ) == counts
    assert dict(EServiceVersion.objects.values_list("eservice__slug", "number")) == versions
    for slug, data in DEMO.items():
        eservice = EService.objects.get(slug=slug)
        assert eservice.current_version.form == data["form"]
        assert eservice.committee.prefix == data["committee"]["prefix"]


# Content ------------------------------------------------------------------


def test_demo_uses_every_question_type_widget_and_condition():
    types, widgets, operators, step_conditions = set(), set(), set(), 0
    for data in DEMO.values():
        for step in data["form"]["steps"]:
            if "visible_if" in step:
                step_conditions += 1
            for question in step["questions"]:
                types.add(question["type"])
                if question["type"] == "single_choice":
                    widgets.add(question.get("widget", "radio"))
                for kind in ("visible_if", "required_if"):
                    if kind in question:
                        operators |= {(kind, op) for op in OPERATORS & set(question[kind])}

    assert types == set(question_types.ids())
    assert widgets == {"radio", "dropdown"}
    assert operators == {(kind, op) for kind in ("visible_if", "required_if") for op in OPERATORS}
    assert step_conditions >= 1


@pytest.mark.parametrize("slug", DEMO)
def test_demo_eservice_tells_the_resident_what_they_need_to_know(slug):
    data = DEMO[slug]
    assert data["slug"] == slug
    for key in ("name", "short_description", "intro_text", "after_submit_text"):
        assert data[key].strip(), key
    assert len(data["short_description"]) <= 300
    assert data["what_you_need"]
    assert "personuppgiftsansvarig" in data["personal_data_text"]
    assert "sparas" in data["personal_data_text"]  # how long
    assert re.fullmatch(r"[A-ZÅÄÖ]{2,5}", data["committee"]["prefix"])
    assert len(data["form"]["steps"]) >= 2
    for question in all_questions(data):
        if question["type"] == "file":
            rules = question.get("validation", {})
            assert {"file_types", "max_size_mb", "max_files"} <= set(rules), question["id"]
        if question["type"] in {"short_text", "long_text"}:
            assert "max_length" in question.get("validation", {}), question["id"]


def test_demo_committees_and_categories_are_named_the_same_everywhere():
    committees, categories = {}, {}
    for data in DEMO.values():
        committee, category = data["committee"], data["category"]
        assert committees.setdefault(committee["prefix"], committee["name"]) == committee["name"]
        assert categories.setdefault(category["slug"], category["name"]) == category["name"]
    assert len(set(committees.values())) == len(committees)
    assert len(set(categories.values())) == len(categories)


def test_demo_texts_hold_no_personnummer():
    text = "\n".join(path.read_text(encoding="utf-8") for path in DEMO_FILES)
    assert not re.search(r"\b(?:19|20)?\d{6}[-+]?\d{4}\b", text)


# Filling in and sending -----------------------------------------------------


def png_bytes() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# Answers tried, in order, for a text question with a pattern.
PATTERN_CANDIDATES = ["Åkern 1:23", "ABC 123", "123456", "Testsvar"]


class Answerer:
    """Valid answers for any question, chosen by mode:

    - "full" answers every visible question, picks the choices that make the
      most conditions hold, and uses the largest allowed texts;
    - "minimal" answers only what is required, picks the choices that make
      the fewest conditions hold, and uses the smallest allowed values.

    `given` is what the case should end up holding (the cleaned answers)."""

    def __init__(self, form: FormDefinition, mode: str, person=None) -> None:
        self.form = form
        self.mode = mode
        self.person = person  # logged in: keep what the login filled in
        self.given: dict[str, Any] = {}
        self.uploads = 0

    def step_data(self, step) -> dict:
        data: dict[str, Any] = {}
        shown = []
        for question in step.questions:
            if not is_question_visible(question, self.given):
                continue
            shown.append(question.id)
            if not question.type_plugin.has_answer:
                continue
            required = is_question_required(question, self.given)
            if self.mode == "minimal" and not required:
                continue
            fields, value = self.answer(question)
            data.update(fields)
            self.given[question.id] = value
        data["shown"] = shown
        return data

    def answer(self, question: Question) -> tuple[dict, Any]:
        name = question.type_plugin.field_name(question)
        rules = question.validation
        full = self.mode == "full"
        match question.type:
            case "short_text" | "long_text":
                text = self.text(question)
                return {name: text}, text
            case "number":
                number = self.number(rules)
                return {name: str(number).replace(".", ",")}, number
            case "email":
                return {name: "anna.andersson@example.se"}, "anna.andersson@example.se"
            case "phone":
                return {name: "070-123 45 67"}, "070-123 45 67"
            case "personnummer":
                number = CHILD_PERSONNUMMER if "elev" in question.id else ADULT_PERSONNUMMER
                if self.from_login(question):
                    number = self.person.personnummer
                return {name: number}, number.replace("-", "")
            case "date":
                date = self.date(rules).isoformat()
                return {name: date}, date
            case "single_choice" | "yes_no":
                values = [c.value for c in question.choices] or ["yes", "no"]
                value = self.pick(question, values)
                return {name: value}, value
            case "multiple_choice":
                values = self.pick_many(question)
                return {name: values}, values
            case "confirmation":
                return {name: "on"}, True
            case "child":  # only for the paths: sending needs the register (skipped above)
                return {name: "202005242397"}, "202005242397"
            case "address":
                parts = {"street": "Storgatan 1", "postal_code": "12345", "city": "Exempelby"}
                if full:
                    parts["care_of"] = "Familjen Berg"
                fields = {f"{name}__{part}": value for part, value in parts.items()}
                return fields, {**parts, "postal_code": "123 45"}
            case "contact":
                parts = {
                    "name": self.person.name if self.from_login(question) else "Anna Andersson"
                }
                if full or question.options.get("email_required", True):
                    parts["email"] = "anna.andersson@example.se"
                if full or question.options.get("phone_required", False):
                    parts["phone"] = "070-123 45 67"
                return {f"{name}__{part}": value for part, value in parts.items()}, parts
            case "booking":
                from etjanst.portal.templatetags.booking_slots import booking_days

                if question.type_plugin.resource(question) is None:  # demo not loaded
                    return {name: "2030-01-07T08:00Z"}, "2030-01-07T08:00Z"
                days = booking_days(question)
                assert days, f"{question.id}: the demo resource has no free times"
                slot = days[-1][1][-1] if full else days[0][1][0]
                return {name: slot.value}, slot.value
            case "file":
                count = min(2, rules.get("max_files", 1)) if full else 1
                files = [self.upload(question) for _ in range(count)]
                return {name: files}, [{"name": f.name} for f in files]
        raise AssertionError(f"No answer for question type {question.type!r}: add one here.")

    def from_login(self, question: Question) -> bool:
        return self.person is not None and bool(question.options.get("from_login"))

    def text(self, question: Question) -> str:
        if question.type == "short_text" and self.from_login(question):
            return self.person.name
        rules = question.validation
        default_max = 4000 if question.type == "long_text" else 200
        low, high = rules.get("min_length", 1), rules.get("max_length", default_max)
        if "pattern" in rules:
            for candidate in PATTERN_CANDIDATES:
                if re.fullmatch(rules["pattern"], candidate) and low <= len(candidate) <= high:
                    return candidate
            raise AssertionError(f"{question.id}: add an answer to PATTERN_CANDIDATES")
        if self.mode == "full":  # exactly as long as allowed
            return ("Svar på frågan, med å, ä och ö. " * (high // 30 + 1))[: high - 1] + "."
        return ("Kort svar" + "." * low)[: min(high, max(low, len("Kort svar")))]

    def number(self, rules: dict) -> int | float:
        low = Decimal(str(rules.get("min", 0)))
        high = Decimal(str(rules.get("max", low + 100)))
        if self.mode == "minimal":
            number = low
        else:
            number = (low + high) / 2
            if rules.get("integer"):
                number = number.to_integral_value(rounding=ROUND_FLOOR)
            elif number + Decimal("0.5") <= high:
                number += Decimal("0.5")  # a decimal comma, as residents write it
        return int(number) if number == number.to_integral_value() else float(number)

    def date(self, rules: dict) -> datetime.date:
        def relative(spec: str) -> datetime.date:
            today = timezone.localdate()
            if spec.startswith("today"):
                return today + datetime.timedelta(days=int(spec[5:] or 0))
            return datetime.date.fromisoformat(spec)

        low = relative(rules["min_date"]) if "min_date" in rules else None
        high = relative(rules["max_date"]) if "max_date" in rules else None
        if self.mode == "minimal":  # the edge of the range
            return low or high or timezone.localdate()
        if low and high:
            return low + (high - low) / 2
        return low or high or timezone.localdate()

    def conditions_on(self, question: Question) -> list[Condition]:
        found = []
        for step in self.form.steps:
            found.append(step.visible_if)
            for other in step.questions:
                found += [other.visible_if, other.required_if]
        return [c for c in found if c is not None and c.question == question.id]

    def score(self, question: Question, value: Any) -> int:
        """How many conditions on the question hold with this answer."""
        return sum(condition_holds(c, {question.id: value}) for c in self.conditions_on(question))

    def pick(self, question: Question, values: list[str]) -> str:
        ranked = [(self.score(question, v), i, v) for i, v in enumerate(values)]
        return (max(ranked) if self.mode == "full" else min(ranked))[2]

    def pick_many(self, question: Question) -> list[str]:
        rules = question.validation
        values = [c.value for c in question.choices]
        if self.mode == "full":
            ranked = sorted(values, key=lambda v: -self.score(question, [v]))
            chosen = set(ranked[: rules.get("max_choices", len(values))])
        else:
            ranked = sorted(values, key=lambda v: self.score(question, [v]))
            chosen = set(ranked[: max(1, rules.get("min_choices", 0))])
        return [v for v in values if v in chosen]  # form order, as stored

    def upload(self, question: Question) -> SimpleUploadedFile:
        kinds = {kind.id for kind in question.file_kinds}
        self.uploads += 1
        if "png" in kinds:
            return SimpleUploadedFile(f"bild-{self.uploads}.png", png_bytes(), "image/png")
        if "pdf" in kinds:
            return SimpleUploadedFile(f"dokument-{self.uploads}.pdf", PDF_BYTES, "application/pdf")
        raise AssertionError(f"{question.id}: the test has no file of kinds {kinds}")


def logs_in(eservice: EService, mode: str) -> bool:
    """Log in where the e-service requires it, and where it only offers it on
    the minimal path (what the login fills in on skipped steps must not end
    up in the case)."""
    return eservice.requires_login or (eservice.offers_login and mode == "minimal")


def fill_in_and_send(client, eservice: EService, mode: str) -> tuple[Case, Answerer, list[str]]:
    slug = eservice.slug
    form = eservice.current_version.definition
    person = ANNA if logs_in(eservice, mode) else None
    if person is not None:
        log_in(client, person)
    answerer = Answerer(form, mode, person)
    intro = client.get(reverse("portal:intro", args=[slug]))
    assert intro.status_code == 200
    assert "personuppgiftsansvarig" in intro.content.decode()
    response = client.post(reverse("portal:start", args=[slug]), {"anonymous": "no"})
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:step", args=[slug, 1])
    from_login = {q.id: q for q in form.questions() if q.options.get("from_login")}
    if person is not None:
        # The login fills in the person's own details at the start.
        prefilled = form_state(client, eservice)["answers"]
        assert set(prefilled) == set(from_login)
        for qid, question in from_login.items():
            expected = {
                "personnummer": person.personnummer,
                "contact": {"name": person.name},
                "short_text": person.name,
            }[question.type]
            assert prefilled[qid] == expected, qid
    review_url = reverse("portal:review", args=[slug])
    steps_seen = []
    for _ in range(len(form.steps)):
        page = client.get(response["Location"])
        assert page.status_code == 200
        step, number = page.context["step"], page.context["number"]
        steps_seen.append(step.id)
        if person is not None:
            html = page.content.decode()
            for question in step.questions:
                if question.id in from_login:
                    assert f'value="{person.name}"' in html, question.id
        response = client.post(
            reverse("portal:step", args=[slug, number]), answerer.step_data(step)
        )
        assert response.status_code == 302, (
            f"step {step.id}: {response.context.get('errors') or response.context.get('notice')}"
        )
        if response["Location"] == review_url:
            break
    assert response["Location"] == review_url

    review = client.get(review_url)
    assert review.status_code == 200
    assert review.context["problems"] == []
    response = client.post(review_url, {"submission_key": review.context["submission_key"]})
    assert response.status_code == 302, response.context and response.context.get("problems")
    receipt = client.get(response["Location"])
    assert "Ditt ärende är nu inskickat" in receipt.content.decode()
    return Case.objects.filter(eservice=eservice).latest("received_at"), answerer, steps_seen


def test_the_demo_offers_login_and_fills_in_from_it():
    logins = {slug: data.get("login", "none") for slug, data in DEMO.items()}
    assert {"optional", "none"} <= set(logins.values())
    assert any(q.get("from_login") for data in DEMO.values() for q in all_questions(data))


@pytest.mark.parametrize("mode", ["full", "minimal"])
@pytest.mark.parametrize("slug", DEMO)
def test_demo_eservice_can_be_filled_in_and_sent(client, demo, slug, mode):
    if any(q["type"] == "child" for q in all_questions(DEMO[slug])):
        pytest.skip("two guardians and the register: tests/browser/test_guardians.py")
    eservice = EService.objects.get(slug=slug)
    if eservice.requires_login:
        intro = reverse("portal:intro", args=[slug])
        response = client.post(reverse("portal:start", args=[slug]))
        assert response["Location"].startswith(reverse("portal:login"))
        assert "Logga in och starta" in client.get(intro).content.decode()

    case, answerer, steps_seen = fill_in_and_send(client, eservice, mode)

    prefix = DEMO[slug]["committee"]["prefix"]
    year = case.received_at.astimezone(timezone.get_current_timezone()).year
    assert re.fullmatch(rf"{prefix} {year}/\d{{4}}", case.registration_number)
    form = parse_form(DEMO[slug]["form"])
    assert steps_seen == [s.id for s in visible_steps(form, answerer.given)]
    given = answerer.given
    assert set(case.answers) == set(given)
    files = {q.id for q in form.questions() if q.type == "file"}
    for qid, value in given.items():
        if qid in files:
            assert [f["name"] for f in case.answers[qid]] == [f["name"] for f in value]
        else:
            assert case.answers[qid] == value, qid
    attachments = sorted(case.attachments.values_list("original_name", flat=True))
    assert attachments == sorted(f["name"] for qid in files & set(given) for f in given[qid])
    assert len(attachments) == answerer.uploads


def test_the_two_paths_through_the_demo_differ():
    """The minimal path really takes other branches than the full one: it
    answers fewer questions and skips steps that the full path fills in."""
    skipped_steps = 0
    for data in DEMO.values():
        form = parse_form(data["form"])
        full, minimal = Answerer(form, "full"), Answerer(form, "minimal")
        for answerer in (full, minimal):
            for step in form.steps:
                if step in visible_steps(form, answerer.given):
                    answerer.step_data(step)
        assert len(minimal.given) < len(full.given), data["slug"]
        assert set(full.given) - set(minimal.given), data["slug"]
        skipped_steps += len(visible_steps(form, full.given)) - len(
            visible_steps(form, minimal.given)
        )
    assert skipped_steps >= 3


def test_the_demo_has_a_case_under_mina_sidor(client, demo):
    from etjanst.eid.person import Person

    load_demo()  # idempotent: still one
    demo_person = Person("197205169266", given_name="Demo", surname="Person", method="bankid")
    log_in(client, demo_person)
    page = client.get(reverse("portal:my_cases")).content.decode()
    case = Case.objects.get(owner__personnummer="197205169266")
    assert case.registration_number in page
    assert "1 nytt meddelande" in page


def test_the_demo_officer_logs_in_with_the_demo_code(client, demo):
    out = io.StringIO()
    call_command("demo_code", stdout=out)
    code = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", code)
    client.post(reverse("staff:login"), {"username": "handlaggare", "password": "exempelby-demo"})
    client.post(reverse("staff:login_code"), {"code": code})
    page = client.get(reverse("staff:inbox_open")).content.decode()
    case = Case.objects.get(owner__personnummer="197205169266")
    assert case.registration_number in page
