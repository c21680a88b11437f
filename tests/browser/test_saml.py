"""Logging in with Freja eID+, Telia and a foreign eID in a real browser,
through the local SAML identity providers (real HTTP, signed messages).
Every page the browser loads – ours and the IdP's person picker – is
scanned with axe-core. The IdP runs on 127.0.0.1 and the site on
localhost: the IdP's POST to our ACS is cross-site, as in production."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from etjanst.eid.contrib.saml import sp
from etjanst.eid.contrib.saml.config import forget_metadata
from etjanst.simulators.bankid.server import person_for
from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.browser

PERSONNUMMER = "194405307051"  # Skatteverket's test personnummer
NAME = person_for(PERSONNUMMER)["name"]

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


@pytest.fixture
def saml(settings, saml_simulator, live_server, tmp_path):
    settings.SAML = {
        **settings.SAML,
        **saml_simulator.sp_settings(),
        "BASE_URL": live_server.url,
        "ENTITY_ID": "",
        "IDPS": saml_simulator.idp_settings(),
        "METADATA_CACHE_DIR": str(tmp_path / "metadata"),
    }
    settings.ETJANST_EID_METHODS = ["bankid", "saml"]
    forget_metadata()
    cache.clear()
    saml_simulator.set_sp_metadata(sp.metadata_xml(live_server.url))
    yield saml_simulator
    forget_metadata()


@pytest.fixture
def eservice(transactional_db):
    return EServiceFactory(name="Ansökan om parkeringstillstånd", login="required", form=PNR_FORM)


def to_idp(site, eservice, idp_name: str) -> None:
    """From the e-service's intro page to the IdP's person picker."""
    page = site.page
    site.visit(f"/e-tjanster/{eservice.slug}/")
    with site.navigation():
        page.get_by_role("link", name="Logga in och starta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in med e-legitimation")
    with site.navigation():
        page.get_by_role("link", name=idp_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Logga in med {idp_name}")


def log_in_at_idp(site, person_label: str) -> None:
    page = site.page
    page.get_by_label(person_label).check()
    with site.navigation():
        page.get_by_role("button", name="Logga in").click()
    with site.navigation():
        page.get_by_role("button", name="Fortsätt till e-tjänsten").click()


def test_freja_login_lands_back_on_the_eservice_and_logout_ends_it(site, saml, eservice):
    page = site.page
    to_idp(site, eservice, "Freja eID+")
    log_in_at_idp(site, f"{NAME}, {PERSONNUMMER[:8]}-{PERSONNUMMER[8:]}")
    assert site.url_path() == f"/e-tjanster/{eservice.slug}/"
    expect(page.locator(".account-name")).to_have_text(f"Inloggad som {NAME}")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    expect(page.get_by_label("Personnummer")).to_have_value(PERSONNUMMER)

    # Logging out, then at the IdP too (Single Logout) and back.
    with site.navigation():
        page.locator(".account").get_by_role("button", name="Logga ut").click()
    expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    expect(page.locator(".account-name")).to_have_count(0)
    with site.navigation():
        page.get_by_role("link", name="Logga ut hos e-legitimationen").click()
    assert site.url_path() == "/"
    expect(page.get_by_text("Du är utloggad även hos e-legitimationen.")).to_be_visible()


def test_telia_login_with_an_encrypted_assertion(site, saml, eservice):
    to_idp(site, eservice, "Telia")
    log_in_at_idp(site, f"{NAME}, {PERSONNUMMER[:8]}-{PERSONNUMMER[8:]}")
    expect(site.page.locator(".account-name")).to_have_text(f"Inloggad som {NAME}")


def test_a_foreign_eid_is_told_the_eservice_needs_a_personnummer(site, saml, eservice):
    page = site.page
    to_idp(site, eservice, "Utländsk e-legitimation (eIDAS)")
    log_in_at_idp(site, "Lena Müller (DE), född 1985-04-12")
    assert site.url_path().startswith("/logga-in/")
    expect(page.locator(".messages")).to_contain_text(
        "Den här e-tjänsten kräver ett svenskt personnummer"
    )
    expect(page.locator(".account-name")).to_have_count(0)


def test_a_foreign_eid_logs_in_where_no_personnummer_is_needed(site, saml, transactional_db):
    eservice = EServiceFactory(name="Synpunkter", login="required")
    to_idp(site, eservice, "Utländsk e-legitimation (eIDAS)")
    log_in_at_idp(site, "Aino Virtanen (FI), född 1992-06-21")
    assert site.url_path() == f"/e-tjanster/{eservice.slug}/"
    expect(site.page.locator(".account-name")).to_have_text("Inloggad som Aino Virtanen")


def test_cancel_at_the_idp_comes_back_with_a_message(site, saml, eservice):
    page = site.page
    to_idp(site, eservice, "Freja eID+")
    with site.navigation():
        page.get_by_role("button", name="Avbryt").click()
    with site.navigation():
        page.get_by_role("button", name="Fortsätt till e-tjänsten").click()
    expect(page.locator(".messages")).to_contain_text("Inloggningen avbröts.")
    expect(page.get_by_role("link", name="Freja eID+")).to_be_visible()
