"""Mina uppgifter: the register extract (GDPR article 15) holds everything
about the person and nothing about anyone else; only they can download it."""

import json
import uuid

import pytest
from django.urls import reverse
from pypdf import PdfReader

from etjanst.cases.messaging import send_message
from etjanst.people.models import DataExtract
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start
from tests.login import ANNA, BERTIL, log_in
from tests.mypages import owned_case
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db


def test_the_extract_holds_everything_and_nothing_of_anyone_else(client, run_tasks):
    eservice = EServiceFactory(login="optional", name="Synpunkter")
    annas = owned_case(eservice, answers={"rubrik": "Annas lampa"})
    send_message(case=annas, body="Svar till Anna", from_staff=True, client_key=uuid.uuid4())
    owned_case(eservice, person=BERTIL, answers={"rubrik": "Bertils hemlighet"})
    officer = staff_user(
        "siv", committee=eservice.committee, first_name="Siv", last_name="Svensson"
    )
    log_in_staff(client, officer)
    client.get(reverse("staff:case", args=[annas.pk]))
    client.logout()

    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Annas utkast", "action": "save"})
    assert client.post(reverse("portal:my_data")).status_code == 302
    run_tasks()
    extract = DataExtract.objects.get()
    assert extract.state == "ready"
    page = client.get(reverse("portal:my_data")).content.decode()
    assert reverse("portal:my_data_pdf", args=[extract.pk]) in page

    data = json.loads(
        b"".join(client.get(reverse("portal:my_data_json", args=[extract.pk])).streaming_content)
    )
    assert data["profile"]["personnummer"] == ANNA.personnummer
    assert [d["answers"]["rubrik"] for d in data["drafts"]] == ["Annas utkast"]
    assert [c["answers"]["rubrik"] for c in data["cases"]] == ["Annas lampa"]
    assert data["cases"][0]["messages"][0]["text"] == "Svar till Anna"
    assert data["access_log"][0]["who"] == "Siv Svensson"
    text = json.dumps(data, ensure_ascii=False)
    assert "Bertil" not in text and BERTIL.personnummer not in text

    pdf = client.get(reverse("portal:my_data_pdf", args=[extract.pk]))
    reader = PdfReader(__import__("io").BytesIO(b"".join(pdf.streaming_content)))
    pdf_text = " ".join(page.extract_text() for page in reader.pages)
    assert "Annas lampa" in pdf_text and "Siv Svensson" in pdf_text
    assert "Bertils hemlighet" not in pdf_text

    # Nobody else gets it, not even by its id.
    client.post(reverse("portal:logout"))
    log_in(client, BERTIL)
    owned_case(eservice, person=BERTIL)  # Bertil is a stored resident too
    for name in ("portal:my_data_pdf", "portal:my_data_json"):
        assert client.get(reverse(name, args=[extract.pk])).status_code == 404
    client.post(reverse("portal:logout"))
    response = client.get(reverse("portal:my_data_pdf", args=[extract.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_personal_data_is_shown_per_eservice(client):
    eservice = EServiceFactory(
        name="Bygglov",
        pd_purpose="För att pröva ansökan om bygglov.",
        pd_legal_basis="Myndighetsutövning (artikel 6.1 e)",
        pd_recipients="Ingen utanför nämnden.",
        retention_rule__period_months=24,
    )
    intro = client.get(reverse("portal:intro", args=[eservice.slug])).content.decode()
    for text in (
        "För att pröva ansökan om bygglov.",
        "Myndighetsutövning",
        "Ingen utanför nämnden.",
        "Gallras 2 år",
    ):
        assert text in intro
        assert text in client.get(reverse("portal:personal_data")).content.decode()
