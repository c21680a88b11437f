"""The whole Mina sidor journey in Chromium, with axe on every page: log in
with BankID (the simulator), fill in half, Spara, log out, log in again from
the header, continue the draft from Mina sidor, send it, find it under Mina
ärenden and write a message in it."""

import re

import pytest
from playwright.sync_api import expect

from etjanst.cases.models import Case, Message
from etjanst.eid.person import Person
from etjanst.submissions.models import Draft
from tests.browser.test_bankid import NAME, PERSONNUMMER, POLL_MS, open_app, paste_in_app
from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case

pytestmark = pytest.mark.browser

FORM = {
    "steps": [
        {
            "id": "om",
            "title": "Om felet",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True}
            ],
        },
        {
            "id": "mer",
            "title": "Beskriv felet",
            "questions": [
                {"id": "text", "type": "long_text", "label": "Beskrivning", "required": True}
            ],
        },
    ]
}


@pytest.fixture
def eservice(transactional_db):
    return EServiceFactory(name="Felanmälan gatubelysning", login="optional", form=FORM)


def log_in_with_bankid(site, context, bankid, start_link: str, lands_on: str) -> None:
    page = site.page
    with site.navigation():
        page.get_by_role("link", name=start_link).click()
    with site.navigation():
        page.get_by_role("link", name="BankID").click()
    with site.navigation():
        page.get_by_role("button", name="BankID på den här enheten").click()
    href = page.get_by_role("link", name="Öppna BankID-appen").get_attribute("href")
    app = open_app(context, bankid)
    paste_in_app(app, href)
    app.get_by_label(re.compile(re.escape(f"{PERSONNUMMER[:8]}-{PERSONNUMMER[8:]}"))).check()
    with site.navigation():
        app.get_by_role("button", name="Godkänn").click()
        page.wait_for_url(f"**{lands_on}", timeout=POLL_MS)
    app.close()
    expect(page.locator(".account-name")).to_have_text(f"Inloggad som {NAME}")


def test_save_leave_continue_send_and_follow(site, context, bankid, eservice):
    page = site.page
    site.visit(f"/e-tjanster/{eservice.slug}/")
    log_in_with_bankid(site, context, bankid, "Logga in först", f"/e-tjanster/{eservice.slug}/")

    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    page.get_by_label("Rubrik").fill("Lampan vid skolan")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    with site.navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.get_by_text("Ditt ärende sparades!")).to_be_visible()
    assert Draft.objects.count() == 1

    with site.navigation():
        page.locator(".account").get_by_role("button", name="Logga ut").click()
    expect(page.locator(".account-name")).to_have_count(0)
    site.visit("/")
    log_in_with_bankid(site, context, bankid, "Logga in till Mina sidor", "/mina-sidor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina sidor")
    expect(page.get_by_text("1 sparat ärende")).to_be_visible()

    with site.navigation():
        page.get_by_role("link", name="Visa sparade ärenden").click()
    expect(page.get_by_role("link", name="Ej inskickade")).to_have_attribute("aria-current", "page")
    with site.navigation():
        page.get_by_role("button", name=f"Fortsätt – {eservice.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beskriv felet")
    page.get_by_label("Beskrivning").fill("Den blinkar hela natten.")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_text("Lampan vid skolan")).to_be_visible()  # the saved answer came back
    with site.navigation():
        page.get_by_role("button", name="Skicka").click()
    case = Case.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt ärende är nu inskickat")
    assert not Draft.objects.exists()

    with site.navigation():
        page.get_by_role("link", name="Mina sidor", exact=True).last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(eservice.name)
    expect(page.get_by_text(case.registration_number).first).to_be_visible()
    page.get_by_label("Skriv ett meddelande").fill("Det är lampan närmast entrén.")
    with site.navigation():
        page.get_by_role("button", name="Skicka meddelandet").click()
    expect(page.get_by_text("Ditt meddelande är skickat.")).to_be_visible()
    expect(page.get_by_text("Det är lampan närmast entrén.")).to_be_visible()
    assert Message.objects.get().case == case

    with site.navigation():
        page.get_by_role("link", name="Tillbaka till Mina ärenden").click()
    expect(page.get_by_role("link", name="Pågående")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name=eservice.name)).to_be_visible()
    with site.navigation():
        page.get_by_role("link", name="Avslutade").click()
    expect(page.get_by_text("Du har inga avslutade ärenden.")).to_be_visible()


def test_a_bad_message_shows_the_error_summary(site, context, bankid, eservice):
    page = site.page
    site.visit("/")
    log_in_with_bankid(site, context, bankid, "Logga in till Mina sidor", "/mina-sidor/")
    person = Person(personnummer=PERSONNUMMER, given_name="x", surname="y", method="bankid")
    case = owned_case(eservice, person=person, answers={"rubrik": "R", "text": "T"})
    site.visit(f"/mina-sidor/arenden/{case.pk}/")
    with site.navigation():
        page.get_by_role("button", name="Skicka meddelandet").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv ett meddelande.")
    assert not Message.objects.exists()
