"""The statistics name no one and outlive the cases: the figures of a period
are the same before and after its cases are purged, and a dump of the
statistics tables holds no personnummer, name, e-mail, address, session
or case reference."""

import io
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from etjanst.cases.actions import transition_case
from etjanst.cases.messaging import send_message
from etjanst.cases.models import Case, Status
from etjanst.statistics import report
from etjanst.statistics.actions import answer_survey
from etjanst.statistics.figures import Period
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit
from tests.login import ANNA, BERTIL, log_in
from tests.organisation.factories import CommitteeFactory, RetentionRuleFactory

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")

FORM = {
    "steps": [
        {
            "id": "om",
            "title": "Om dig",
            "questions": [
                {"id": "pnr", "type": "personnummer", "label": "Personnummer", "required": True},
                {"id": "kontakt", "type": "contact", "label": "Kontakt"},
            ],
        },
        {
            "id": "arende",
            "title": "Ärendet",
            "questions": [
                {"id": "text", "type": "long_text", "label": "Beskriv", "required": True}
            ],
        },
    ]
}


@pytest.fixture
def eservice():
    committee = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    rule = RetentionRuleFactory(committee=committee, clock="submitted", period_months=1)
    return EServiceFactory(
        name="Synpunkter", committee=committee, retention_rule=rule, login="optional", form=FORM
    )


def send(client, eservice, person, pnr: str):
    client.defaults["REMOTE_ADDR"] = "203.0.113.77"
    log_in(client, person)
    start(client, eservice)
    # A typing error that repeats the name: its message must not keep it.
    post_step(client, eservice, 1, {"q_pnr": "Anna Testsson", "q_kontakt__name": person.name})
    post_step(
        client,
        eservice,
        1,
        {
            "q_pnr": pnr,
            "q_kontakt__name": person.name,
            "q_kontakt__email": f"{person.given_name.lower()}@example.se",
        },
    )
    post_step(client, eservice, 2, {"q_text": f"Hej, jag heter {person.name}."})
    response = submit(client, eservice)
    assert "/kvitto/" in response["Location"], response
    client.post(response["Location"] + "omdome/", {"rating": "4"})


def handle_all(eservice):
    handling = Status.objects.for_eservice(eservice).get(code="handlaggs")
    for case in Case.objects.all():
        send_message(case=case, body="Vi har fått den.", from_staff=True, client_key=uuid.uuid4())
        case = transition_case(case=case, to=handling)
        transition_case(case=case, to=case.status.next_statuses.get(kind="closed"))


def figures(eservice) -> dict:
    out = {}
    # January whole (its month rows), and from mid-December to mid-February
    # per month (January's month row and the day rows at both ends).
    for first, last, per in (
        (date(2026, 1, 1), date(2026, 1, 31), "vecka"),
        (date(2025, 12, 15), date(2026, 2, 14), "manad"),
    ):
        period = Period(start=first, end=last, per=per)
        built = report.build(eservices=[eservice], period=period, single=True)
        # Cases open right now are live, not history: the purge rightly changes them.
        out[per] = {f.name: f.rows for f in built.figures if f.name != "arenden_nu"}
    return out


def test_the_figures_are_the_same_after_the_cases_are_purged(
    client, eservice, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime(2026, 1, 12, 10, tzinfo=STOCKHOLM))
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            send(
                client,
                eservice,
                ANNA if n % 2 else BERTIL,
                "198105082393" if n % 2 else "194105199121",
            )
        time_machine.move_to(datetime(2026, 1, 20, 10, tzinfo=STOCKHOLM))
        handle_all(eservice)
    before = figures(eservice)
    for name in ("oversikt", "handlaggningstid", "inloggning", "tratt"):
        assert before["vecka"][name] == before["manad"][name], name
    overview = dict(before["manad"]["oversikt"])
    assert overview["Skickade"] == "6" and overview["Påbörjade"] == "6"
    # 8 days, counted in the bucket 7–10 days (the median is read inside it)
    decided = before["manad"]["handlaggningstid"][1]
    assert decided[:2] == ["Avslut", "6"] and decided[2] == "8,5 dagar"

    time_machine.move_to(datetime(2026, 3, 1, 10, tzinfo=STOCKHOLM))
    call_command("purge", stdout=io.StringIO())
    assert Case.objects.filter(purged_at__isnull=False).count() == 6

    assert figures(eservice) == before


def test_no_person_or_case_is_in_the_statistics_tables(
    client, eservice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, eservice, ANNA, "198105082393")
        send(client, eservice, BERTIL, "194105199121")
        handle_all(eservice)
    answer_survey(
        eservice=eservice, version=1, rating="5", comment="Jag är 19810508-2393, anna@example.se"
    )
    dump = io.StringIO()
    call_command("dumpdata", "statistics", stdout=dump)
    text = dump.getvalue()
    assert '"metric": "sent"' in text  # the dump holds the counters
    secrets = [
        "198105082393", "19810508-2393", "810508-2393", "194105199121", "19410519-9121",
        "Anna", "Testsson", "Bertil", "anna@example.se", "bertil@example.se",
        "203.0.113.77", "127.0.0.1", client.session.session_key,
    ]  # fmt: skip
    for case in Case.objects.all():
        secrets += [case.registration_number, case.receipt_token, str(case.submission_key)]
    for secret in secrets:
        assert secret not in text, secret


def test_no_statistics_table_can_point_at_a_person_or_a_case():
    """Structurally: no foreign key but to the e-service, no address field."""
    for model in apps.get_app_config("statistics").get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                assert field.related_model._meta.label == "eservices.EService", field
            assert not isinstance(field, models.GenericIPAddressField), field
