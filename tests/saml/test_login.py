"""Logging in through the local SAML identity providers: the SP's metadata
and requests, Swedish and foreign persons, the level of assurance, the
e-services that need a personnummer, and Single Logout."""

import base64
import html
import re
import zlib
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from django.urls import reverse
from saml2 import samlp

from etjanst.eid.session import PERSON_KEY, current_person
from etjanst.simulators.bankid.server import person_for
from tests.eservices.factories import EServiceFactory
from tests.saml.conftest import post_to_acs, start_login
from tests.saml.test_responses import PNR, PNR_FORM

pytestmark = pytest.mark.django_db

LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
LOA4 = "http://id.elegnamnden.se/loa/1.0/loa4"


def person_in(client):
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = client.session
    return current_person(request)


def test_sp_metadata_is_signed_and_names_acs_slo_and_entity_category(client, saml):
    answer = client.get(reverse("portal:saml_metadata"))
    assert answer.status_code == 200
    xml = answer.content.decode()
    assert 'entityID="http://testserver/logga-in/saml/metadata/"' in xml
    assert "http://testserver/logga-in/saml/acs/" in xml
    assert "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" in xml
    assert "http://testserver/logga-in/saml/slo/" in xml
    assert "http://id.elegnamnden.se/ec/1.0/loa3-pnr" in xml
    assert "SignatureValue" in xml
    assert 'WantAssertionsSigned="true"' in xml and 'AuthnRequestsSigned="true"' in xml


def test_login_page_shows_each_identity_provider_under_its_name(client, saml):
    page = client.get(reverse("portal:login"), {"next": "/e-tjanster/x/"}).content.decode()
    for name in ("BankID", "Freja eID+", "Telia", "Utländsk e-legitimation (eIDAS)"):
        assert f">{name}</a>" in page
    assert "/logga-in/saml/freja/?next=%2Fe-tjanster%2Fx%2F" in page


def test_authn_request_is_signed_redirect_asking_for_loa3(client, saml):
    answer = client.get(reverse("portal:saml_login", args=["freja"]), {"next": "/"})
    query = dict(parse_qsl(urlsplit(answer["Location"]).query))
    assert query["SigAlg"] == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert query["Signature"]
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"]), -15).decode()
    request = samlp.authn_request_from_string(xml)
    assert request.assertion_consumer_service_url == "http://testserver/logga-in/saml/acs/"
    assert request.protocol_binding == "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
    refs = [r.text for r in request.requested_authn_context.authn_context_class_ref]
    assert refs == [LOA3, LOA4]
    # A tampered request is refused by the IdP (its signature is checked).
    query["SAMLRequest"] = base64.b64encode(zlib.compress(xml.encode())[2:-4]).decode()
    with pytest.raises(ValueError):
        saml.receive("freja", {**query, "Signature": base64.b64encode(b"x" * 256).decode()})


def test_login_with_freja_lands_where_the_resident_was_with_their_name(client, saml):
    eservice = EServiceFactory(login="required", form=PNR_FORM)
    intro = reverse("portal:intro", args=[eservice.slug])
    token = start_login(client, saml, "freja", next_url=intro)
    finish = post_to_acs(client, saml.respond(token, PNR))
    assert finish["Location"] == intro
    person = person_in(client)
    assert person.personnummer == PNR
    assert person.name == person_for(PNR)["name"]
    assert person.method == "saml:freja"
    assert person.loa == LOA3
    page = client.get(intro).content.decode()
    assert f"Inloggad som {person.name}" in page
    assert PNR not in page
    started = client.post(reverse("portal:start", args=[eservice.slug]))
    step = client.get(started["Location"]).content.decode()
    assert f'value="{PNR}"' in step  # the personnummer is filled in from the login


def test_telia_encrypts_its_assertions_and_we_decrypt_them(client, saml):
    token = start_login(client, saml, "telia")
    answer = saml.respond(token, PNR)
    xml = base64.b64decode(answer.saml_response).decode()
    assert "EncryptedAssertion" in xml and PNR not in xml
    assert post_to_acs(client, answer)["Location"] == "/"
    assert person_in(client).personnummer == PNR


def test_a_foreign_person_without_personnummer_logs_in(client, saml):
    token = start_login(client, saml, "eidas")
    assert "http://id.elegnamnden.se/loa/1.0/eidas-sub" in saml.pending[token].requested_loa
    assert post_to_acs(client, saml.respond(token, "DE:4f1c9a2b7e"))["Location"] == "/"
    person = person_in(client)
    assert person.personnummer is None
    assert person.identifier == "DE:4f1c9a2b7e"
    assert person.date_of_birth == "1985-04-12"
    assert person.name == "Lena Müller"
    assert person.masked_personnummer == ""
    assert "Inloggad som Lena Müller" in client.get("/").content.decode()


@pytest.mark.parametrize("signing", [False, True])
def test_eservice_needing_a_personnummer_tells_a_foreign_person_so(client, saml, signing):
    form = PNR_FORM if not signing else None
    eservice = EServiceFactory(login="required", requires_signing=signing, form=form)
    token = start_login(client, saml, "eidas")
    post_to_acs(client, saml.respond(token, "DK:08a7c3d5e1"))
    intro = client.get(reverse("portal:intro", args=[eservice.slug]))
    assert intro.status_code == 200
    text = intro.content.decode()
    assert "E-tjänsten kräver ett svenskt personnummer" in text
    assert "utan svenskt personnummer och kan därför inte använda e-tjänsten" in text
    start = client.post(reverse("portal:start", args=[eservice.slug]))
    assert start.status_code == 302 and start["Location"] == intro.request["PATH_INFO"]
    step = client.get(reverse("portal:step", args=[eservice.slug, 1]))
    assert step.status_code == 302
    assert PERSON_KEY in client.session  # still logged in, nothing broke


def test_an_eservice_without_personnummer_needs_works_for_a_foreign_person(client, saml):
    eservice = EServiceFactory(login="required")
    token = start_login(client, saml, "eidas")
    post_to_acs(client, saml.respond(token, "FI:7b2e6f9c0d"))
    started = client.post(reverse("portal:start", args=[eservice.slug]))
    assert started["Location"] == reverse("portal:step", args=[eservice.slug, 1])
    assert client.get(started["Location"]).status_code == 200


def test_an_eservice_asking_for_loa4_asks_a_loa3_login_to_log_in_again(client, saml):
    eservice = EServiceFactory(login="required", eid_loa=LOA4)
    token = start_login(client, saml, "freja")
    post_to_acs(client, saml.respond(token, PNR))
    started = client.post(reverse("portal:start", args=[eservice.slug]))
    assert started["Location"].startswith(reverse("portal:login"))
    page = client.get(started["Location"]).content.decode()
    assert "högre tillitsnivå" in page
    # Telia gives loa4 when asked: the e-service then starts.
    token = start_login(client, saml, "telia", next_url=f"/e-tjanster/{eservice.slug}/")
    assert saml.pending[token].requested_loa == [LOA4]
    post_to_acs(client, saml.respond(token, PNR))
    assert person_in(client).loa == LOA4
    started = client.post(reverse("portal:start", args=[eservice.slug]))
    assert started["Location"] == reverse("portal:step", args=[eservice.slug, 1])


def test_logout_ends_the_session_at_the_idp_too(client, saml):
    token = start_login(client, saml, "freja")
    post_to_acs(client, saml.respond(token, PNR))
    out = client.post(reverse("portal:logout"))
    assert PERSON_KEY not in client.session
    # A page with a link to the IdP (a redirect would break the CSP's form-action).
    assert out.status_code == 200
    assert "Du är utloggad" in out.content.decode()
    slo = re.search(r'href="([^"]+/slo\?[^"]+)"', out.content.decode()).group(1)
    slo = html.unescape(slo)
    assert slo.startswith(saml.entity_id("freja") + "/slo?")
    # The browser visits the IdP, which answers with a signed LogoutResponse.
    at_idp = httpx.get(slo)
    assert at_idp.status_code == 302
    back = at_idp.headers["Location"]
    assert back.startswith("http://testserver/logga-in/saml/slo/?")
    home = client.get(back.removeprefix("http://testserver"))
    assert home["Location"] == reverse("portal:catalogue")
    page = client.get(home["Location"]).content.decode()
    assert "Du är utloggad även hos e-legitimationen." in page
    # A LogoutResponse that is not the IdP's is not believed.
    home = client.get(reverse("portal:saml_slo"), {"SAMLResponse": "bm9wZQ=="})
    assert "bekräftade inte utloggningen" in client.get(home["Location"]).content.decode()


def test_a_replayed_or_unsigned_logout_response_is_not_believed(client, saml):
    token = start_login(client, saml, "freja")
    post_to_acs(client, saml.respond(token, PNR))
    out = client.post(reverse("portal:logout"))
    slo = html.unescape(re.search(r'href="([^"]+/slo\?[^"]+)"', out.content.decode()).group(1))
    back = httpx.get(slo).headers["Location"].removeprefix("http://testserver")
    query = dict(parse_qsl(urlsplit(back).query))
    unsigned = {k: v for k, v in query.items() if k not in ("Signature", "SigAlg")}
    home = client.get(reverse("portal:saml_slo"), unsigned)
    assert "bekräftade inte utloggningen" in client.get(home["Location"]).content.decode()
    home = client.get(back)  # its LogoutRequest was already answered
    assert "bekräftade inte utloggningen" in client.get(home["Location"]).content.decode()


def test_the_idp_can_end_the_session_single_logout_from_the_idp(client, saml, caplog):
    token = start_login(client, saml, "freja")
    post_to_acs(client, saml.respond(token, PNR))
    # Another person's LogoutRequest does not log this browser out…
    other = saml.idp_initiated_logout("freja", "194105199121")
    answer = client.get(other.removeprefix("http://testserver"))
    assert answer["Location"].startswith(saml.entity_id("freja") + "/slo?SAMLResponse=")
    assert PERSON_KEY in client.session
    # …an unsigned one is refused and logged…
    query = dict(parse_qsl(urlsplit(saml.idp_initiated_logout("freja", PNR)).query))
    query.pop("Signature")
    answer = client.get(reverse("portal:saml_slo"), query)
    assert answer["Location"] == reverse("portal:catalogue")
    assert PERSON_KEY in client.session
    assert any("reason=signature" in r.getMessage() for r in caplog.records)
    # …and the person's own logs them out, with a signed answer to the IdP.
    mine = saml.idp_initiated_logout("freja", PNR)
    answer = client.get(mine.removeprefix("http://testserver"))
    assert PERSON_KEY not in client.session
    at_idp = httpx.get(answer["Location"])
    assert at_idp.status_code == 200 and "Du är utloggad" in at_idp.text


def test_an_unknown_or_disabled_identity_provider_is_explained(client, saml, settings):
    answer = client.get(reverse("portal:saml_login", args=["okand"]), {"next": "/"})
    assert answer.status_code == 302
    assert "Det går inte att logga in med den e-legitimationen just nu" in (
        client.get(answer["Location"]).content.decode()
    )
    settings.ETJANST_EID_METHODS = ["bankid"]
    assert client.get(reverse("portal:saml_login", args=["freja"])).status_code == 404
    assert "Freja" not in client.get(reverse("portal:login")).content.decode()


def test_metadata_that_cannot_be_fetched_makes_only_that_idp_unavailable(client, saml, settings):
    broken = [dict(idp) for idp in settings.SAML["IDPS"]]
    broken[0]["metadata_url"] = "http://127.0.0.1:9/ingen-metadata"
    settings.SAML = {**settings.SAML, "IDPS": broken}
    answer = client.get(reverse("portal:saml_login", args=["freja"]), {"next": "/"})
    assert answer["Location"].startswith(reverse("portal:login"))
    answer = client.get(reverse("portal:saml_login", args=["telia"]), {"next": "/"})
    assert answer["Location"].startswith(saml.entity_id("telia") + "/sso?")


def test_metadata_is_used_only_when_its_signature_verifies(client, saml, settings):
    idps = [dict(idp) for idp in settings.SAML["IDPS"]]
    idps[0]["metadata_cert"] = str(saml.keys["freja"][1])  # the right signer
    idps[1]["metadata_cert"] = str(saml.keys["eidas"][1])  # not Telia's signer
    settings.SAML = {**settings.SAML, "IDPS": idps}
    answer = client.get(reverse("portal:saml_login", args=["freja"]), {"next": "/"})
    assert answer["Location"].startswith(saml.entity_id("freja") + "/sso?")
    answer = client.get(reverse("portal:saml_login", args=["telia"]), {"next": "/"})
    assert answer["Location"].startswith(reverse("portal:login"))
