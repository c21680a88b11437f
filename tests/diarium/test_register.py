"""The public register (/diarium/): what may be shown, and nothing else."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from etjanst.cases.models import Case
from etjanst.diarium.actions import mark_secret
from etjanst.diarium.models import SecrecyMarking
from etjanst.submissions.actions import submit_form
from tests.diarium.world import FORM, SECRET_HEALTH, make_world
from tests.eservices.factories import EServiceFactory
from tests.organisation.factories import CommitteeFactory

pytestmark = pytest.mark.django_db

PLAIN_FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Ärendet",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik"},
                {"id": "kontakt", "type": "contact", "label": "Kontakt"},
            ],
        }
    ]
}


def plain_case(eservice, title="Trasig lampa", name=""):
    answers = {"rubrik": title}
    if name:
        answers["kontakt"] = {"name": name, "email": "x@example.se", "phone": ""}
    return submit_form(
        version=eservice.current_version,
        answers=answers,
        upload_owner="",
        submission_key=uuid.uuid4(),
    )


def all_register_pages(client) -> str:
    html, page = "", 1
    while True:
        response = client.get(reverse("portal:register"), {"sida": page})
        assert response.status_code == 200
        html += response.content.decode()
        if not response.context["page"].has_next():
            return html
        page += 1


def all_register_entries(client) -> dict:
    entries, page = {}, 1
    while True:
        response = client.get(reverse("portal:register"), {"sida": page})
        entries.update({e.registration_number: e for e in response.context["entries"]})
        if not response.context["page"].has_next():
            return entries
        page += 1


def personnummer_forms(number: str) -> list[str]:
    return [number, number[2:], f"{number[:8]}-{number[8:]}", f"{number[2:8]}-{number[8:]}"]


def test_submission_sets_the_description_and_presets_secret_questions():
    world = make_world()
    case = world["case"]
    # The e-service's text, never the resident's own title (kept after the purge).
    assert case.description == "Parkeringstillstånd"
    assert list(SecrecyMarking.objects.filter(case=case).values_list("question_id", "ground")) == [
        ("halsa", "OSL 21:1")
    ]


def test_a_secret_case_shows_number_and_date_but_no_sender_or_description(client):
    world = make_world()
    case = world["case"]
    html = client.get(reverse("portal:register")).content.decode()
    assert case.registration_number in html
    assert timezone.localtime(case.received_at).strftime("%Y-%m-%d") in html
    assert "Sekretess" in html
    assert "Anna" not in html
    assert "Storgatan" not in html
    assert SECRET_HEALTH not in html


def test_a_case_without_secrecy_shows_privatperson_and_the_eservices_description(client):
    service = EServiceFactory(
        name="Felanmälan", register_description="Felanmälan gata och park", form=PLAIN_FORM
    )
    case = plain_case(service, name="Sven Svensson")
    assert case.sender_name == "Sven Svensson"  # the register records the sender …
    response = client.get(reverse("portal:register"))
    entry = response.context["entries"][0]
    assert (entry.registration_number, entry.description, entry.sender) == (
        case.registration_number,
        "Felanmälan gata och park",
        "Privatperson",
    )
    html = response.content.decode()
    assert "Sven Svensson" not in html  # … but the web shows no private person's name
    assert "Trasig lampa" not in html  # … nor the resident's own words


def test_an_organisation_sender_is_shown_by_name_but_not_a_logged_in_person(client):
    from etjanst.people.actions import resident_for
    from tests.login import ANNA

    service = EServiceFactory(
        name="Serveringstillstånd", senders_are_organisations=True, form=PLAIN_FORM
    )
    company = plain_case(service, name="Krogen i Exempelby AB")
    person = submit_form(
        version=service.current_version,
        answers={"rubrik": "x", "kontakt": {"name": "Ola Krögare", "email": "o@example.se"}},
        upload_owner="",
        submission_key=uuid.uuid4(),
        owner=resident_for(person=ANNA),
    )
    entries = {
        e.registration_number: e for e in client.get(reverse("portal:register")).context["entries"]
    }
    assert entries[company.registration_number].sender == "Krogen i Exempelby AB"
    assert entries[person.registration_number].sender == "Privatperson"


def test_staff_can_flag_a_whole_case_secret(client):
    service = EServiceFactory(name="Felanmälan", form=PLAIN_FORM)
    case = plain_case(service, name="Sven Svensson")
    mark_secret(case=case, question_id="", ground="OSL 26:1", staff_user=None)
    html = client.get(reverse("portal:register")).content.decode()
    assert case.registration_number in html
    assert "Sven Svensson" not in html
    assert "Trasig lampa" not in html


def test_a_case_without_sender_shows_no_sender(client):
    service = EServiceFactory(name="Felanmälan", form=PLAIN_FORM)
    plain_case(service)
    response = client.get(reverse("portal:register"))
    assert response.context["entries"][0].sender == ""
    assert "Ingen avsändare" in response.content.decode()


def test_a_purged_case_shows_as_purged(client):
    service = EServiceFactory(name="Felanmälan", form=PLAIN_FORM)
    case = plain_case(service, name="Sven Svensson")
    Case.objects.filter(pk=case.pk).update(purged_at=timezone.now())
    html = client.get(reverse("portal:register")).content.decode()
    assert case.registration_number in html
    assert "Gallrat" in html
    assert "Sven Svensson" not in html


def test_a_personnummer_in_a_description_is_taken_out(client):
    service = EServiceFactory(name="Felanmälan", form=PLAIN_FORM)
    case = plain_case(service, title="Gäller 19810508-2393 och 8105082393")
    assert case.description == "Felanmälan"
    html = client.get(reverse("portal:register")).content.decode()
    assert case.registration_number in html  # the case is listed …
    assert "Felanmälan" in html  # … with its description …
    assert "2393" not in html  # … but not the personnummer the resident wrote
    company = EServiceFactory(name="Tillstånd", senders_are_organisations=True, form=PLAIN_FORM)
    plain_case(company, name="Firma 19810508-2393")  # an organisation's name is scrubbed too
    html = client.get(reverse("portal:register")).content.decode()
    assert "Firma [" in html and "2393" not in html


def test_the_register_never_shows_a_secret_field_personnummer_or_anonymous_sender_in_the_demo(
    client,
):
    call_command("load_demo", verbosity=0)
    # The demo's own cases, plus a case with a secret answer on top.
    demo_eservice = EServiceFactory(name="Parkering", form=FORM)
    from tests.diarium.world import secret_case

    secret_case(demo_eservice)
    html = all_register_pages(client)
    entries = all_register_entries(client)
    cases = list(Case.objects.prefetch_related("secrecy_markings"))
    assert len(cases) >= 4
    assert any(not c.sender_name for c in cases), "the demo has a case without a sender"
    assert any(c.secrecy_markings.all() for c in cases), "the demo has a secret case"
    for case in cases:
        assert case.registration_number in html
        if case.sender_personnummer:
            for form in personnummer_forms(case.sender_personnummer):
                assert form not in html
        for value in case.answers.values():
            if isinstance(value, str) and re.fullmatch(r"\d{10,12}|\d{6,8}-\d{4}", value):
                assert value not in html
        markings = case.secrecy_markings.all()
        for marking in markings:
            value = case.answers.get(marking.question_id)
            if isinstance(value, str) and value:
                assert value not in html
        if case.sender_name:
            assert case.sender_name not in html  # secret, or a private person
        if markings:
            assert entries[case.registration_number].description == ""
            assert entries[case.registration_number].sender == ""


def test_the_register_filters_by_number_committee_e_service_and_date(client):
    ks = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    tn = CommitteeFactory(name="Tekniska nämnden", prefix="TN")
    ks_service = EServiceFactory(name="Synpunkter", committee=ks, form=PLAIN_FORM)
    tn_service = EServiceFactory(name="Felanmälan", committee=tn, form=PLAIN_FORM)
    old = plain_case(ks_service, title="Gammal")
    Case.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    new = plain_case(tn_service, title="Ny")

    def shown(**params):
        response = client.get(reverse("portal:register"), params)
        return {e.registration_number for e in response.context["entries"]}

    assert shown(diarienummer="TN") == {new.registration_number}
    assert shown(namnd=ks.pk) == {old.registration_number}
    assert shown(**{"e-tjanst": tn_service.pk}) == {new.registration_number}
    since = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert shown(fran=since) == {new.registration_number}
    assert shown(till=since) == {old.registration_number}
    assert shown(fran="inte-ett-datum", namnd="x") == {
        old.registration_number,
        new.registration_number,
    }


def test_the_register_takes_a_bounded_number_of_queries(client):
    service = EServiceFactory(name="Felanmälan", form=PLAIN_FORM)
    plain_case(service, name="A")
    client.get(reverse("portal:register"))  # warm caches (site look, content)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:register"))
    for n in range(60):
        plain_case(service, name=f"Person {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("portal:register"))
    assert len(response.context["entries"]) == 50
    assert len(many) == len(few)


def test_only_a_choice_can_give_the_register_description():
    from django.core.exceptions import ValidationError

    from etjanst.eservices.formschema import validate_form_json

    with pytest.raises(ValidationError, match="bara ett enkelval"):
        validate_form_json(
            {
                "steps": [
                    {
                        "id": "s",
                        "title": "S",
                        "questions": [
                            {
                                "id": "rubrik",
                                "type": "short_text",
                                "label": "R",
                                "diarium_title": True,
                            }
                        ],
                    }
                ]
            }
        )
    form = {
        "steps": [
            {
                "id": "s",
                "title": "S",
                "questions": [
                    {
                        "id": "typ",
                        "type": "single_choice",
                        "label": "Vad gäller det?",
                        "diarium_title": True,
                        "choices": [{"value": "lampa", "label": "Trasig gatubelysning"}],
                    },
                    {"id": "rubrik", "type": "short_text", "label": "Rubrik"},
                ],
            }
        ]
    }
    validate_form_json(form)
    service = EServiceFactory(name="Felanmälan", form=form)
    case = submit_form(
        version=service.current_version,
        answers={"typ": "lampa", "rubrik": "Mörkt vid badet"},
        upload_owner="",
        submission_key=uuid.uuid4(),
    )
    assert case.description == "Felanmälan: Trasig gatubelysning"


def test_staff_see_the_full_sender(client):
    from tests.staff_accounts import log_in_staff, staff_user

    service = EServiceFactory(name="Felanmälan", form=PLAIN_FORM)
    case = plain_case(service, name="Sven Svensson")
    log_in_staff(client, staff_user("rut", role="registrar", committee=service.committee))
    assert "Sven Svensson" in client.get(reverse("staff:case", args=[case.pk])).content.decode()
