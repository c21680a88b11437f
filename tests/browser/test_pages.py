"""The pages every public site needs, and every demo e-service's first
pages, checked in the browser with axe-core."""

import pytest
from playwright.sync_api import expect

from etjanst.eservices.models import EService

pytestmark = pytest.mark.browser


def test_accessibility_statement(site, demo):
    page = site.page
    site.visit("/")
    with site.navigation():
        page.get_by_role("contentinfo").get_by_role(
            "link", name="Tillgänglighetsredogörelse"
        ).click()
    assert site.url_path() == "/tillganglighet/"
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse")
    expect(page).to_have_title("Tillgänglighetsredogörelse – Exempelby kommun")
    # What the law (2018:1937) and DIGG's model statement ask for.
    for heading in (
        "Hur tillgänglig är webbplatsen?",
        "Innehåll som inte är tillgängligt",
        "Rapportera brister i webbplatsens tillgänglighet",
        "Tillsyn",
        "Hur vi testat webbplatsen",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Anmäl till DIGG")).to_have_attribute(
        "href", "https://www.digg.se/tdosanmalan"
    )


def test_personal_data_page(site, demo):
    page = site.page
    site.visit("/personuppgifter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Så behandlar vi personuppgifter")
    expect(page.get_by_role("heading", name="Dina rättigheter")).to_be_visible()
    for eservice in EService.objects.published().exclude(personal_data_text=""):
        expect(page.get_by_role("heading", name=eservice.name, level=3)).to_be_visible()


def test_page_not_found_in_swedish(site, demo):
    page = site.page
    response = site.visit("/finns-inte/")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    expect(page).to_have_title("Sidan finns inte – Exempelby kommun")
    with site.navigation():
        page.get_by_role("main").get_by_role("link", name="Gå till alla e-tjänster").click()
    assert site.url_path() == "/"


def test_language_switch_to_english_and_back(site, demo):
    page = site.page
    html = page.locator("html")
    site.visit("/tillganglighet/")
    expect(html).to_have_attribute("lang", "sv")

    with site.navigation():
        page.get_by_role("banner").get_by_role("button", name="English").click()
    assert site.url_path() == "/tillganglighet/"  # the same page, now in English
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement")
    switch_back = page.get_by_role("banner").get_by_role("button", name="Svenska")
    expect(switch_back).to_have_attribute("lang", "sv")

    # The language stays while the resident moves on.
    with site.navigation():
        page.get_by_role("contentinfo").get_by_role("link").first.click()
    expect(html).to_have_attribute("lang", "en")
    response = site.visit("/finns-inte/")
    assert response.status == 404
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")

    with site.navigation():
        page.get_by_role("banner").get_by_role("button", name="Svenska").click()
    expect(html).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    expect(page.get_by_role("banner").get_by_role("button", name="English")).to_be_visible()


def assert_reflows(page) -> None:
    """WCAG 1.4.10: at 320 CSS pixels nothing needs scrolling sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width}px wide at a 320px viewport"


def test_every_demo_eservice_first_step_and_its_errors(site, demo):
    """Intro, step 1 and step 1 submitted empty, for each demo e-service, on
    a 320px wide screen: axe sees every question type the demo uses, also in
    its error state, and the pages reflow."""
    page = site.page
    page.set_viewport_size({"width": 320, "height": 640})
    eservices = list(EService.objects.published().order_by("slug"))
    assert eservices
    assert any(e.requires_login for e in eservices)
    log_in_browser(site)  # some demo e-services require a login
    for eservice in eservices:
        site.visit(f"/e-tjanster/{eservice.slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(eservice.name)
        assert_reflows(page)
        if eservice.offers_anonymity:
            page.get_by_label("Nej, jag lämnar mina uppgifter").check()
        with site.navigation():
            page.get_by_role("button", name="Starta").click()
        expect(page.get_by_text("Steg 1 av")).to_be_visible()
        assert_reflows(page)
        with site.navigation():
            page.get_by_role("button", name="Nästa").click()
        summary = page.locator("#error-summary")
        if summary.count():  # a first step without required questions is fine
            expect(summary).to_be_focused()
        assert_reflows(page)
        with site.navigation():  # Avbryt asks first (issue 23, item 9)
            page.get_by_role("link", name="Avbryt och ta bort mina svar").click()
        with site.navigation():
            page.get_by_role("button", name="Ja, ta bort mina svar").click()


def log_in_browser(site) -> None:
    """Put a logged-in test person in the browser's session, as an e-ID
    method does at login (the BankID tests log in through the simulator)."""
    import time

    from django.contrib.sessions.backends.db import SessionStore

    from etjanst.eid.person import Person
    from etjanst.eid.session import ACTIVITY_KEY, PERSON_KEY

    store = SessionStore()
    store[PERSON_KEY] = Person("198105082393", "Anna", "Testsson", "bankid").as_session()
    store[ACTIVITY_KEY] = time.time()
    store.create()
    site.page.context.add_cookies(
        [{"name": "sessionid", "value": store.session_key, "url": site.base_url}]
    )
