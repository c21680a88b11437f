"""The SAML tests talk to the local identity providers over HTTP (metadata)
and build real signed responses with them; see etjanst.simulators.saml."""

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse

from etjanst.eid.contrib.saml import sp
from etjanst.eid.contrib.saml.config import forget_metadata


@pytest.fixture
def saml(settings, saml_simulator, tmp_path):
    """settings.SAML pointed at the simulator's three IdPs, the simulator
    trusting this test server's SP metadata."""
    settings.SAML = {
        **settings.SAML,
        **saml_simulator.sp_settings(),
        "BASE_URL": "http://testserver",
        "IDPS": saml_simulator.idp_settings(),
        "METADATA_CACHE_DIR": str(tmp_path / "metadata"),
        "ENTITY_ID": "",
    }
    settings.ETJANST_EID_METHODS = ["bankid", "saml"]
    forget_metadata()
    cache.clear()
    saml_simulator.set_sp_metadata(sp.metadata_xml("http://testserver"))
    yield saml_simulator
    forget_metadata()


def start_login(client, simulator, idp: str = "freja", next_url: str = "/") -> str:
    """Click the IdP on /logga-in/: our signed AuthnRequest reaches the
    simulated IdP, which checks it. Returns the IdP's token for the request."""
    answer = client.get(reverse("portal:saml_login", args=[idp]), {"next": next_url})
    assert answer.status_code == 302, answer.content
    query = dict(parse_qsl(urlsplit(answer["Location"]).query))
    assert answer["Location"].startswith(simulator.entity_id(idp) + "/sso?")
    return simulator.receive(idp, query)


def post_to_acs(client, answer):
    """The browser posts the IdP's answer to our ACS and follows the redirect
    to the page that finishes the login. Returns that page's response."""
    posted = client.post(reverse("portal:saml_acs"), answer.form())
    assert posted.status_code == 302
    assert posted["Location"].startswith(reverse("portal:saml_finish"))
    return client.get(posted["Location"])
