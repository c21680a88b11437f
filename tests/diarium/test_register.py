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

from etjanst.cases.actions import submit_case
from etjanst.cases.models import Case
from etjanst.diarium.actions import mark_secret
from etjanst.diarium.models import SecrecyMarking

from ..factories import CommitteeFactory, EServiceFactory
from .world import FORM, SECRET_HEALTH, make_world

pytestmark = pytest.mark.django_db

PLAIN_FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Ärendet",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "diarium_title": True},
                {"id": "kontakt", "type": "contact", "label": "Kontakt"},
            ],
        }
    ]
}


def plain_case(eservice, title="Trasig lampa", name=""):
    answers = {"rubrik": title}
    if name:
        answers["kontakt"] = {"name": name, "email": "x@example.se", "phone": ""}
    return submit_case(
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


def personnummer_forms(number: str) -> list[str]:
    return [number, number[2:], f"{number[:8]}-{number[8:]}", f"{number[2:8]}-{number[8:]}"]


def test_submission_sets_the_description_and_presets_secret_questions():
    world = make_world()
    case = world["case"]
    assert case.description == "Parkeringstillstånd: Parkeringstillstånd vid Storgatan"
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


def test_a_case_without_secrecy_shows_sender_and_description(client):
    service = EServiceFactory(name="Felanmälan", form=PLAIN_FORM)
    case = plain_case(service, name="Sven Svensson")
    html = client.get(reverse("portal:register")).content.decode()
    assert case.registration_number in html
    assert "Felanmälan: Trasig lampa" in html
    assert "Sven Svensson" in html


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
    html = client.get(reverse("portal:register")).content.decode()
    assert case.registration_number in html  # the case is listed …
    assert "Gäller" in html  # … with its description …
    assert "2393" not in html  # … but not the personnummer


def test_the_register_never_shows_a_secret_field_personnummer_or_anonymous_sender_in_the_demo(
    client,
):
    call_command("load_demo", verbosity=0)
    # The demo's own cases, plus a case with a secret answer on top.
    demo_eservice = EServiceFactory(name="Parkering", form=FORM)
    from .world import secret_case

    secret_case(demo_eservice)
    html = all_register_pages(client)
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
        if markings and case.sender_name:
            assert case.sender_name not in html
        if markings:
            assert case.description not in html


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
