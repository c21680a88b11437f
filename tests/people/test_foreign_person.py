"""A foreign person (eIDAS, no Swedish personnummer) logged in through the
local SAML identity provider: what they send and save is theirs under Mina
sidor, and their register extract holds it under their foreign identity."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from etjanst.cases.models import Case
from etjanst.people.models import DataExtract, Resident
from etjanst.submissions.models import Draft
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit
from tests.saml.foreign import LENA, foreign_login

pytestmark = pytest.mark.django_db(transaction=True)


def test_mina_sidor_lists_a_foreign_persons_case_and_draft(client, saml):
    eservice = EServiceFactory(login="required", name="Synpunkter")
    foreign_login(client, saml)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Lenas lampa"})
    assert submit(client, eservice).status_code == 302
    case = Case.objects.get()
    resident = Resident.objects.get()
    assert (resident.personnummer, resident.foreign_id) == (None, LENA)
    assert case.owner == resident

    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Lenas utkast", "action": "save"})

    overview = client.get(reverse("portal:my_pages"))
    assert overview.status_code == 200
    assert "Lena Müller" in overview.content.decode()
    cases = client.get(reverse("portal:my_cases")).content.decode()
    assert case.registration_number in cases
    draft = Draft.objects.owned_by(resident).get()
    assert draft.answers["rubrik"] == "Lenas utkast"
    drafts = client.get(reverse("portal:my_drafts")).content.decode()
    assert reverse("portal:draft_continue", args=[draft.pk]) in drafts
    detail = client.get(reverse("portal:my_case", args=[case.pk]))
    assert detail.status_code == 200 and "Lenas lampa" in detail.content.decode()
    pdf = client.get(reverse("portal:my_case_pdf", args=[case.pk]))
    assert pdf.status_code == 200
    my_data = client.get(reverse("portal:my_data")).content.decode()
    assert "Lena Müller" in my_data and "Personnummer" not in my_data


def test_a_foreign_persons_register_extract_names_their_foreign_identity(client, saml, run_tasks):
    eservice = EServiceFactory(login="required")
    foreign_login(client, saml)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Lenas lampa"})
    submit(client, eservice)
    assert client.post(reverse("portal:my_data")).status_code == 302
    run_tasks()
    extract = DataExtract.objects.get()
    assert extract.state == "ready"
    answer = client.get(reverse("portal:my_data_json", args=[extract.pk]))
    data = json.loads(b"".join(answer.streaming_content))
    assert data["profile"]["personnummer"] is None
    assert data["profile"]["foreign_id"] == LENA
    assert [c["answers"]["rubrik"] for c in data["cases"]] == ["Lenas lampa"]
    pdf = client.get(reverse("portal:my_data_pdf", args=[extract.pk]))
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert LENA in text and "Lenas lampa" in text
