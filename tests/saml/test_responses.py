"""Responses our ACS must refuse: real responses signed by the local IdPs,
each with one defect. Every refusal shows a clear Swedish message on
/logga-in/, logs a security event without the personnummer, logs nobody in
and never answers 500."""

import logging

import pytest
from django.urls import reverse

from etjanst.eid.models import UsedAssertion
from etjanst.eid.session import PERSON_KEY
from tests.eservices.factories import EServiceFactory
from tests.saml.conftest import post_to_acs, start_login

pytestmark = pytest.mark.django_db

PNR = "194306134760"  # Skatteverket's test personnummer (shared/data/testpersonnummer.json)

UNTRUSTED = "svaret från e-legitimationen inte gick att kontrollera"
NOT_THIS_BROWSER = "Inloggningen kunde inte kopplas till den här webbläsaren"

PNR_FORM = {
    "steps": [
        {
            "id": "vem",
            "title": "Vem är du?",
            "questions": [
                {"id": "pnr", "type": "personnummer", "label": "Personnummer", "from_login": True}
            ],
        }
    ]
}


def refused(client, answer, caplog, *, reason: str, message: str):
    """Post the answer; check the refusal end to end."""
    with caplog.at_level(logging.INFO):
        finish = post_to_acs(client, answer)
    assert finish.status_code == 302
    assert finish["Location"].startswith(reverse("portal:login"))
    page = client.get(finish["Location"])
    assert page.status_code == 200
    assert message in page.content.decode()
    assert PERSON_KEY not in client.session
    events = [r for r in caplog.records if "saml_login_refused" in r.getMessage()]
    assert events, "the refusal was not logged"
    assert f"reason={reason} " in events[-1].getMessage()
    for record in caplog.records:
        assert PNR not in record.getMessage()
        assert PNR[:8] not in record.getMessage()
    return events[-1]


@pytest.mark.parametrize(
    ("defect", "reason", "message"),
    [
        ("bad_signature", "signature", UNTRUSTED),
        ("other_idp", "issuer", UNTRUSTED),
        ("wrong_audience", "audience", UNTRUSTED),
        ("wrong_recipient", "recipient", UNTRUSTED),
        ("expired", "expired", "Inloggningen tog för lång tid"),
        # pysaml2 reports a NotBefore in the future as a plain VerificationError.
        ("not_yet_valid", "invalid", UNTRUSTED),
        ("wrong_in_response_to", "in_response_to", NOT_THIS_BROWSER),
        ("unsolicited", "unsolicited", NOT_THIS_BROWSER),
        ("no_personnummer", "personnummer_missing", "kräver ett svenskt personnummer"),
        ("low_loa", "loa", "inte den tillitsnivå som e-tjänsten kräver"),
    ],
)
def test_a_defective_response_is_refused_and_logged_as_a_security_event(
    client, saml, caplog, defect, reason, message
):
    token = start_login(client, saml, "freja")
    answer = saml.respond(token, PNR, defect=defect)
    event = refused(client, answer, caplog, reason=reason, message=message)
    assert event.name == "etjanst.security"
    assert event.levelno == logging.WARNING


def test_unencrypted_assertions_are_refused_when_encryption_is_required(
    client, saml, caplog, settings
):
    settings.SAML = {**settings.SAML, "WANT_ASSERTIONS_ENCRYPTED": True}
    token = start_login(client, saml, "freja")  # Freja (simulated) does not encrypt
    refused(client, saml.respond(token, PNR), caplog, reason="not_encrypted", message=UNTRUSTED)
    token = start_login(client, saml, "telia")  # Telia (simulated) does
    assert post_to_acs(client, saml.respond(token, PNR))["Location"] == "/"
    assert PERSON_KEY in client.session


def test_a_replayed_assertion_id_is_refused(client, saml, caplog):
    token = start_login(client, saml, "freja")
    first = saml.respond(token, PNR)
    assert post_to_acs(client, first)["Location"] == "/"
    assert PERSON_KEY in client.session
    assert UsedAssertion.objects.filter(assertion_id=first.assertion_id).exists()
    client.post(reverse("portal:logout"))

    token = start_login(client, saml, "freja")
    again = saml.respond(token, PNR, defect="replay", replay_id=first.assertion_id)
    refused(client, again, caplog, reason="replay", message="har redan använts")


def test_the_same_response_posted_twice_logs_in_once(client, saml, caplog):
    token = start_login(client, saml, "freja")
    answer = saml.respond(token, PNR)
    assert post_to_acs(client, answer)["Location"] == "/"
    client.post(reverse("portal:logout"))
    refused(client, answer, caplog, reason="unsolicited", message=NOT_THIS_BROWSER)


def test_a_response_for_another_browser_is_refused(client, saml, caplog, django_user_model):
    from django.test import Client

    victim = Client()
    token = start_login(victim, saml, "freja")
    answer = saml.respond(token, PNR)
    # The attacker posts the victim's response in their own browser.
    refused(client, answer, caplog, reason="unsolicited", message=NOT_THIS_BROWSER)


def test_personnummer_missing_from_a_foreign_eid_for_an_eservice_that_needs_one(
    client, saml, caplog
):
    eservice = EServiceFactory(login="required", form=PNR_FORM)
    intro = reverse("portal:intro", args=[eservice.slug])
    token = start_login(client, saml, "eidas", next_url=intro)
    answer = saml.respond(token, "DE:4f1c9a2b7e")
    refused(
        client,
        answer,
        caplog,
        reason="personnummer_missing",
        message="Den här e-tjänsten kräver ett svenskt personnummer",
    )


def test_too_low_a_level_for_the_eservice_is_not_even_offered_by_the_idp(client, saml, caplog):
    """Freja (in the simulator) gives at most loa3; an e-service asking for
    loa4 gets the IdP's NoAuthnContext status: a failure, not an attack."""
    eservice = EServiceFactory(login="required", eid_loa="http://id.elegnamnden.se/loa/1.0/loa4")
    intro = reverse("portal:intro", args=[eservice.slug])
    token = start_login(client, saml, "freja", next_url=intro)
    assert saml.pending[token].requested_loa == ["http://id.elegnamnden.se/loa/1.0/loa4"]
    answer = saml.respond(token, PNR)
    event = refused(
        client, answer, caplog, reason="idp_failed", message="Inloggningen misslyckades"
    )
    assert event.name != "etjanst.security"


def test_cancel_at_the_idp_says_the_login_was_cancelled(client, saml, caplog):
    token = start_login(client, saml, "freja")
    event = refused(
        client, saml.cancel(token), caplog, reason="cancelled", message="Inloggningen avbröts."
    )
    assert event.levelno == logging.INFO


@pytest.mark.parametrize(
    "payload",
    ["inte base64 alls", "PD94bWwgdmVyc2lvbj0iMS4wIj8+PGZvby8+", "A" * 5000],
)
def test_garbage_is_refused_without_a_500(client, saml, caplog, payload):
    start_login(client, saml, "freja")
    with caplog.at_level(logging.INFO):
        posted = client.post(reverse("portal:saml_acs"), {"SAMLResponse": payload})
        finish = client.get(posted["Location"])
    assert finish.status_code == 302
    page = client.get(finish["Location"])
    assert UNTRUSTED in page.content.decode()
    assert PERSON_KEY not in client.session


def test_acs_needs_a_posted_response(client, saml):
    assert client.get(reverse("portal:saml_acs")).status_code == 405
    assert client.post(reverse("portal:saml_acs"), {}).status_code == 400


def test_an_unknown_finish_token_is_refused_and_the_login_still_finishes(client, saml):
    token = start_login(client, saml, "freja")
    answer = client.get(reverse("portal:saml_finish"), {"svar": "gissat"})
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert "Inloggningen tog för lång tid" in page.content.decode()
    assert post_to_acs(client, saml.respond(token, PNR))["Location"] == "/"
    assert PERSON_KEY in client.session
