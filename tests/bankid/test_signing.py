"""An e-service that requires signing: the resident signs with BankID after
the review, and the signature is kept with the case."""

import base64

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from etjanst.cases.models import Case
from etjanst.eid.person import Person
from etjanst.eservices.presentation import answers_digest
from tests.eid.test_eid import log_in
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start

pytestmark = pytest.mark.django_db

ANNA = Person(personnummer="198105082393", given_name="Anna", surname="Testsson", method="bankid")


@pytest.fixture
def eservice():
    return EServiceFactory(name="Ansökan om bygglov", login="required", requires_signing=True)


def fill_in(client, eservice):
    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Altan"})
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    assert "Skriv under med Mobilt BankID och skicka" in review.content.decode()
    return review.context["submission_key"]


def poll(client):
    for _ in range(10):
        data = client.get(reverse("portal:bankid_status")).json()
        if data["status"] != "pending":
            return data
    raise AssertionError(data)


def test_the_resident_signs_and_the_case_keeps_the_signature(client, bankid, eservice):
    key = fill_in(client, eservice)
    bankid.script(ANNA.personnummer, after_polls=1, name="Anna Testsson")
    response = client.post(
        reverse("portal:review", args=[eservice.slug]), {"submission_key": key, "device": "other"}
    )
    assert response["Location"] == reverse("portal:bankid_wait")
    assert Case.objects.count() == 0  # nothing is sent before the signature
    order = bankid.orders[client.session["etjanst_bankid_order"]["order_ref"]]
    shown = base64.b64decode(order.user_visible_data).decode()
    assert "Ansökan om bygglov" in shown and "Anna Testsson" in shown
    done = poll(client)
    assert done["status"] == "complete"
    receipt = client.get(client.get(done["next"])["Location"])
    case = Case.objects.get()
    assert case.signature["personnummer"] == ANNA.personnummer
    assert case.signature["answers_digest"] == answers_digest(case.answers)
    assert base64.b64decode(case.signature["signature"])  # BankID's signature, as received
    assert case.signature["ocsp_response"]
    assert "Signerad med BankID av Anna Testsson" in receipt.content.decode()
    from etjanst.cases.receipts import receipt_html

    assert "Signerad med BankID av Anna Testsson" in receipt_html(case)


def test_a_case_cannot_be_sent_without_the_signature(client, bankid, eservice):
    key = fill_in(client, eservice)
    response = client.get(reverse("portal:submit_signed", args=[eservice.slug]), follow=True)
    assert "behöver skrivas under" in response.content.decode()
    assert Case.objects.count() == 0
    assert key


def test_someone_elses_bankid_cannot_sign(client, bankid, eservice):
    key = fill_in(client, eservice)
    bankid.script("197610282399", after_polls=0)  # another test person
    client.post(
        reverse("portal:review", args=[eservice.slug]), {"submission_key": key, "device": "other"}
    )
    done = poll(client)
    assert done["status"] == "failed"
    assert "ett annat BankID" in done["message"]
    assert client.get(reverse("portal:submit_signed", args=[eservice.slug])).status_code == 302
    assert Case.objects.count() == 0


def test_changed_answers_need_a_new_signature(client, bankid, eservice):
    key = fill_in(client, eservice)
    bankid.script(ANNA.personnummer, after_polls=0)
    client.post(
        reverse("portal:review", args=[eservice.slug]), {"submission_key": key, "device": "other"}
    )
    assert poll(client)["status"] == "complete"
    post_step(client, eservice, 1, {"q_rubrik": "Carport"})  # changed after signing
    client.get(reverse("portal:submit_signed", args=[eservice.slug]))
    assert Case.objects.count() == 0


def test_signing_requires_login():
    eservice = EServiceFactory.build(login="optional", requires_signing=True)
    with pytest.raises(ValidationError):
        eservice.clean()


def test_a_failed_signature_is_explained_after_a_reload_and_leads_back_to_the_review(
    client, bankid, eservice
):
    key = fill_in(client, eservice)
    bankid.script(ANNA.personnummer, after_polls=0, fail_hint="userCancel")
    client.post(
        reverse("portal:review", args=[eservice.slug]), {"submission_key": key, "device": "other"}
    )
    assert poll(client)["status"] == "failed"
    page = client.get(reverse("portal:bankid_wait")).content.decode()  # bankid.js reloads
    assert "Skriv under med BankID" in page and "Åtgärden avbröts." in page
    assert f'href="{reverse("portal:review", args=[eservice.slug])}"' in page
    assert Case.objects.count() == 0


def test_cancelling_a_signature_returns_to_the_review(client, bankid, eservice):
    key = fill_in(client, eservice)
    client.post(
        reverse("portal:review", args=[eservice.slug]), {"submission_key": key, "device": "other"}
    )
    response = client.post(reverse("portal:bankid_cancel"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:review", args=[eservice.slug])
    assert "Underskriften avbröts. Ärendet är inte skickat." in response.content.decode()
