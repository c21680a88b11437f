"""Two guardians in two browsers complete "Ansökan om plats i förskola"
(the demo e-service): the first picks the child from the register (the
Navet simulator), signs with BankID and sends; the case waits; the second
logs in with their own BankID, finds it under Att signera, reads it and
signs. Real BankID simulator (RP API over mutual TLS and its app page) and
real Navet simulator; axe scans every page of both browsers."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, Site
from tests.browser.test_bankid import POLL_MS, open_app, paste_in_app
from tests.guardians.families import TOGETHER, TOGETHER_CHILDREN
from tests.prefill.conftest import navet, navet_simulator  # noqa: F401

pytestmark = pytest.mark.browser

SLUG = "ansokan-om-plats-i-forskola"
OLOF, EMMA = TOGETHER


def approve(site, context, bankid, personnummer, *, wait_for, heading="Identifiera dig"):
    """The person's phone: paste the waiting page's autostart link into the
    simulated app, choose their BankID and approve."""
    page = site.page
    href = page.get_by_role("link", name="Öppna BankID-appen").get_attribute("href")
    app = open_app(context, bankid)
    paste_in_app(app, href, heading=heading)
    app.get_by_label(re.compile(re.escape(f"{personnummer[:8]}-{personnummer[8:]}"))).check()
    with site.navigation():
        app.get_by_role("button", name="Godkänn").click()
        page.wait_for_url(wait_for, timeout=POLL_MS)
    app.close()


def log_in(site, context, bankid, personnummer, *, wait_for):
    page = site.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in med e-legitimation")
    with site.navigation():
        page.get_by_role("link", name="BankID").click()
    with site.navigation():
        page.get_by_role("button", name="BankID på den här enheten").click()
    approve(site, context, bankid, personnummer, wait_for=wait_for)


@pytest.fixture
def second(browser, live_server, static_files):
    """The other guardian's own browser: a separate context (no shared cookies)."""
    context = browser.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1024, "height": 800}
    )
    context.set_default_timeout(TIMEOUT_MS)
    site = Site(context.new_page(), live_server.url)
    yield site, context
    site.check_all_scanned()
    context.close()


def test_two_guardians_apply_for_a_preschool_place(
    site,
    context,
    second,
    bankid,
    navet,  # noqa: F811
    demo,
):
    from etjanst.cases.models import Case

    page = site.page
    # -- Olof: log in, choose the child, sign and send ---------------------------
    site.visit(f"/e-tjanster/{SLUG}/")
    with site.navigation():
        page.get_by_role("link", name="Logga in och starta").click()
    log_in(site, context, bankid, OLOF, wait_for=f"**/e-tjanster/{SLUG}/")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    children = page.get_by_role("group", name="Vilket barn gäller ansökan?")
    expect(children.get_by_role("radio")).to_have_count(2)
    expect(page.get_by_text("Andra vårdnadshavare: Emma Berglund").first).to_be_visible()
    page.get_by_label(f"Erik Åberg ({TOGETHER_CHILDREN[1][:8]}-XXXX)").check()
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    page.get_by_label("Förskolan Ekorren").check()
    page.get_by_label("Från vilket datum behöver barnet plats?").fill("2027-08-02")
    page.get_by_label("E-postadress").fill("olof@example.se")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska och skicka")
    expect(page.get_by_text("Erik Åberg, 20200524-2397").first).to_be_visible()
    with site.navigation():
        page.get_by_role("button", name="Skriv under med BankID på den här enheten").click()
    approve(site, context, bankid, OLOF, wait_for="**/kvitto/**", heading="Skriv under")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt ärende är nu inskickat")
    case = Case.objects.get(eservice__slug=SLUG)
    assert case.awaiting_signatures
    site.visit(f"/mina-sidor/arenden/{case.pk}/")
    expect(page.get_by_text("Väntar på underskrift från den andra vårdnadshavaren")).to_be_visible()

    # -- Emma, in her own browser: log in, Att signera, read, sign --------------
    other, other_context = second
    page2 = other.page
    other.visit("/mina-sidor/")
    log_in(other, other_context, bankid, EMMA, wait_for="**/mina-sidor/")
    expect(page2.get_by_text("1 ärende om ditt barn väntar på din underskrift.")).to_be_visible()
    with other.navigation():
        page2.get_by_role("link", name="Att signera").click()
    expect(page2.get_by_role("heading", level=1)).to_have_text("Att signera")
    with other.navigation():
        page2.get_by_role("link", name="Ansökan om plats i förskola").click()
    expect(page2.get_by_role("heading", level=1)).to_have_text("Läs och skriv under")
    expect(page2.get_by_text("Erik Åberg, 20200524-2397").first).to_be_visible()
    expect(page2.get_by_text("Förskolan Ekorren")).to_be_visible()
    # Keyboard only: the button is reached with Tab and pressed with Enter.
    sign = page2.get_by_role("button", name="Skriv under med BankID på den här enheten")
    sign.focus()
    with other.navigation():
        page2.keyboard.press("Enter")
    approve(
        other,
        other_context,
        bankid,
        EMMA,
        wait_for=f"**/mina-sidor/arenden/{case.pk}/",
        heading="Skriv under",
    )
    expect(page2.get_by_text("Du har skrivit under ärendet.")).to_be_visible()
    expect(page2.get_by_text("Emma Berglund: Underskriven")).to_be_visible()
    case.refresh_from_db()
    assert not case.awaiting_signatures
    assert case.guardian_signatures.get().signature["personnummer"] == EMMA

    # Olof sees it too.
    site.visit(f"/mina-sidor/arenden/{case.pk}/")
    expect(page.get_by_text("Emma Berglund: Underskriven")).to_be_visible()
