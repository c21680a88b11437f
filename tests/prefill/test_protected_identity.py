"""A person with protected identity (sekretessmarkering or skyddad
folkbokföring) logs in with BankID, fills in an e-service that prefills the
address from Navet and sends it. Their address is found nowhere: not in the
database, the PDF receipt, the e-mail or the log. The same checks find a
person's address when it is not protected: they can fail."""

import io
import json
import logging

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from etjanst.cases.models import Case
from tests.filling import form_state, post_step, start, submit
from tests.prefill.conftest import GUARDIAN, SEKRETESS, SKYDDAD, bankid_login

pytestmark = pytest.mark.django_db(transaction=True)


def database_dump() -> str:
    """Every row of every table, raw and as the models read it (JSON decoded),
    and every session decoded."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608  (table names from the DB)
            parts.append(repr(cursor.fetchall()))
    for model in apps.get_models():
        parts.append(repr(list(model._default_manager.values())))
    parts += [json.dumps(s.get_decoded(), ensure_ascii=False) for s in Session.objects.all()]
    return "\n".join(parts)


def pdf_text(case: Case) -> str:
    with case.receipt_pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def fill_in_and_send(client, bankid, eservice, personnummer, street):
    bankid_login(client, bankid, personnummer)
    start(client, eservice)
    step = {
        "q_namn": "Vem som helst",
        # Sent anyway (a browser's autofill, a crafted POST): never kept when withheld.
        "q_adress__street": street,
        "q_adress__postal_code": "12345",
        "q_adress__city": "Exempelby",
        "q_kontakt__name": "Test Person",
        "q_kontakt__email": "test.person@example.se",
    }
    assert post_step(client, eservice, 1, step).status_code == 302
    children = form_state(client, eservice)["answers"].get("_prefill", {}).get("choices", {})
    child = children["barn"][0][0] if children.get("barn") else "20100219-2381"
    assert post_step(client, eservice, 2, {"q_barn": child}).status_code == 302
    assert submit(client, eservice).status_code == 302
    return Case.objects.get()


@pytest.mark.parametrize("personnummer", [SEKRETESS, SKYDDAD])
def test_a_protected_address_is_found_nowhere(
    client, navet, bankid, prefill_eservice, mailbox, run_tasks, caplog, personnummer
):
    caplog.set_level(logging.DEBUG)
    street = navet.people[personnummer].street  # the register knows it; we must not
    bankid_login(client, bankid, personnummer)
    start(client, prefill_eservice)
    page = client.get(reverse("portal:step", args=[prefill_eservice.slug, 1])).content.decode()
    assert "Du har skyddade personuppgifter" in page
    assert "q_adress__" not in page and street not in page

    case = fill_in_and_send(client, bankid, prefill_eservice, personnummer, street)
    run_tasks()
    case.refresh_from_db()
    assert case.protected_identity is True
    assert "adress" not in case.answers
    assert case.receipt_pdf
    message = mailbox.wait_for(1)[0]

    review = client.get(reverse("portal:receipt", args=[prefill_eservice.slug, case.receipt_token]))
    for haystack in (
        database_dump(),
        pdf_text(case),
        message.as_string(),
        message.get_body(("plain",)).get_content(),
        caplog.text,
        review.content.decode(),
    ):
        assert street not in haystack
        assert json.dumps(street)[1:-1] not in haystack  # as JSON stores it
    assert personnummer not in caplog.text
    assert f"{personnummer[:8]}-{personnummer[8:]}" not in caplog.text


def test_the_same_checks_find_an_address_that_is_not_protected(
    client, navet, bankid, prefill_eservice, mailbox, run_tasks, caplog
):
    caplog.set_level(logging.DEBUG)
    street = navet.people[GUARDIAN].street
    case = fill_in_and_send(client, bankid, prefill_eservice, GUARDIAN, "Falsk gata 1")
    run_tasks()
    case.refresh_from_db()
    assert case.protected_identity is False
    assert street in case.answers["adress"]["street"]
    assert street in database_dump() or json.dumps(street)[1:-1] in database_dump()
    assert street in pdf_text(case)
    mailbox.wait_for(1)
    assert street not in caplog.text  # the log never holds an address


def test_staff_see_that_a_case_is_protected(client, navet, bankid, prefill_eservice):
    from django.test import Client

    from tests.staff_accounts import log_in_staff, staff_user

    case = fill_in_and_send(client, bankid, prefill_eservice, SEKRETESS, "x")
    officer = Client()
    log_in_staff(officer, staff_user("siv", committee=case.committee))
    page = officer.get(reverse("staff:case", args=[case.pk]))
    assert page.status_code == 200
    assert "Skyddade personuppgifter." in page.content.decode()
    listing = officer.get(reverse("staff:inbox")).content.decode()
    assert case.registration_number in listing and "Skyddad" in listing
