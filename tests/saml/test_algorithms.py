"""Only the algorithms the Swedish eID Framework allows (SHA-256 and up):
offered in our metadata (served as application/samlmetadata+xml) and the
only ones accepted in a response from the local IdPs."""

import re

import pytest
from defusedxml import ElementTree as ET
from django.urls import reverse

from etjanst.eid.contrib.saml import constants as c
from etjanst.eid.contrib.saml import sp
from etjanst.eid.session import PERSON_KEY
from tests.saml.conftest import post_to_acs, start_login
from tests.saml.test_responses import PNR, UNTRUSTED, refused

pytestmark = pytest.mark.django_db
ALG = "urn:oasis:names:tc:SAML:metadata:algsupport"


def test_metadata_offers_sha256_and_up_only(client, saml):
    answer = client.get(reverse("portal:saml_metadata"))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/samlmetadata+xml"
    root = ET.fromstring(answer.content)
    digests = [e.get("Algorithm") for e in root.iter(f"{{{ALG}}}DigestMethod")]
    signing = [e.get("Algorithm") for e in root.iter(f"{{{ALG}}}SigningMethod")]
    assert digests == list(c.DIGEST_ALGORITHMS)
    assert signing == list(c.SIGNATURE_ALGORITHMS)
    offered = " ".join(digests + signing)
    for weak in ("md5", "ripemd160", "sha1", "sha224"):
        assert not re.search(rf"[#-]{weak}\b", offered), weak
    # Our own signature on the metadata is SHA-256 too.
    assert sp.weak_algorithms(answer.content) == []


@pytest.mark.parametrize("idp", ["freja", "telia"])  # telia encrypts its assertions
@pytest.mark.parametrize("defect", ["sha1_signature", "sha1_digest"])
def test_a_response_signed_or_digested_with_sha1_is_refused(client, saml, caplog, idp, defect):
    token = start_login(client, saml, idp)
    answer = saml.respond(token, PNR, defect=defect)
    event = refused(client, answer, caplog, reason="weak_algorithm", message=UNTRUSTED)
    assert "sha1" in event.getMessage()
    assert event.name == "etjanst.security"


@pytest.mark.parametrize("idp", ["freja", "telia"])
def test_the_same_response_with_sha256_logs_in(client, saml, idp):
    token = start_login(client, saml, idp)
    post_to_acs(client, saml.respond(token, PNR))
    assert client.session[PERSON_KEY]["personnummer"] == PNR


def test_a_redirect_signature_with_sha1_is_not_trusted(saml):
    client = sp.client("http://testserver")
    query = {
        "SAMLResponse": "x",
        "SigAlg": "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
        "Signature": "x",
    }
    assert sp._redirect_signature_ok(client, saml.entity_id("freja"), query) is False
