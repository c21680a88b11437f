"""Logging in with BankID in a real browser against the BankID simulator
(RP API over mutual TLS). A second tab plays the resident's phone: the
simulator's BankID app page, where the QR code's content or the autostart
link is pasted and a test person approves. The waiting tab is never
reloaded by the test: it polls the site by itself every 2 seconds."""

import contextlib
import re
import time
from importlib import import_module

import pytest
import segno
from django.conf import settings
from playwright.sync_api import Error, expect
from pyzbar import pyzbar

from etjanst.eid import bankid_login
from etjanst.eid.contrib.bankid.qr import qr_content
from etjanst.simulators.bankid.server import person_for
from tests.browser.a11y import axe_violations, format_violations
from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.browser

PERSONNUMMER = "197205169266"  # one of Skatteverket's test numbers the app offers
NAME = person_for(PERSONNUMMER)["name"]
POLL_MS = 8_000  # the waiting page polls every 2 s; the app may finish a poll later

FORM = {
    "steps": [
        {
            "id": "vem",
            "title": "Vem är du?",
            "questions": [
                {
                    "id": "pnr",
                    "type": "personnummer",
                    "label": "Personnummer",
                    "from_login": True,
                },
                {"id": "kontakt", "type": "contact", "label": "Kontakt", "from_login": True},
            ],
        }
    ]
}


@pytest.fixture
def eservice(transactional_db):
    return EServiceFactory(name="Ansökan om bygglov", login="required", form=FORM)


def session_order(context) -> dict:
    """The BankID order in the browser's session, read from the database."""
    key = next(c["value"] for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    return store[bankid_login.ORDER_KEY]


def scan_app(app_page) -> None:
    violations = axe_violations(app_page)
    assert not violations, format_violations(app_page.url, violations)


def open_app(context, bankid):
    """The resident's phone: the simulated BankID app in a second tab."""
    app = context.new_page()
    app.goto(bankid.app_url + "/")
    scan_app(app)
    return app


def paste_in_app(app, content: str, *, heading: str = "Identifiera dig") -> None:
    app.get_by_label("QR-kod eller autostarttoken").fill(content)
    app.get_by_role("button", name="Läs av").click()
    expect(app.get_by_role("heading", level=1)).to_have_text(heading)
    scan_app(app)


def log_in_from_intro(site, eservice, device_button: str) -> None:
    """From the e-service's intro page to the BankID waiting page."""
    page = site.page
    site.visit(f"/e-tjanster/{eservice.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(eservice.name)
    with site.navigation():
        page.get_by_role("link", name="Logga in och starta").click()
    assert site.url_path().startswith("/logga-in/?next=")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in med e-legitimation")
    with site.navigation():
        page.get_by_role("link", name="BankID").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in med BankID")
    with site.navigation():
        page.get_by_role("button", name=device_button).click()
    assert site.url_path() == "/logga-in/bankid/vantar/"


def expect_logged_in_on_intro(site, eservice) -> None:
    page = site.page
    assert site.url_path() == f"/e-tjanster/{eservice.slug}/"
    expect(page.locator(".account-name")).to_have_text(f"Inloggad som {NAME}")
    # …and the e-service now starts with the person's details filled in.
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    expect(page.get_by_label("Personnummer")).to_have_value(PERSONNUMMER)
    expect(page.get_by_label("Namn", exact=True)).to_have_value(NAME)


def test_mobile_bankid_with_the_animated_qr_code(site, context, bankid, eservice):
    page = site.page
    log_in_from_intro(site, eservice, "Mobilt BankID på en annan enhet")
    qr = page.locator("#bankid-qr svg")
    expect(qr).to_be_visible()
    expect(page.locator("#bankid-message")).to_have_text("Starta BankID-appen.")
    first = qr.evaluate("svg => svg.outerHTML")
    time.sleep(1.5)
    expect(qr).not_to_have_js_property("outerHTML", first)  # a new code every second
    site.scan()

    # "Scan" the code on the screen: its content right now, as the site computes it.
    app = open_app(context, bankid)
    order = session_order(context)
    seconds = int(time.time() - order["started_at"])
    paste_in_app(app, qr_content(order["qr_start_token"], order["qr_start_secret"], seconds))
    app.get_by_label(re.compile(re.escape(f"{PERSONNUMMER[:8]}-{PERSONNUMMER[8:]}"))).check()
    with site.navigation():  # the waiting tab moves on by itself
        app.get_by_role("button", name="Godkänn").click()
        expect(app.get_by_role("status")).to_contain_text("Du har godkänt")
        scan_app(app)
        page.wait_for_url(f"**/e-tjanster/{eservice.slug}/", timeout=POLL_MS)
    expect_logged_in_on_intro(site, eservice)
    assert bankid.orders[order["order_ref"]].status == "complete"


QR_PATH_RE = re.compile(r"M(\d+) (\d+)h1v1h-1z")


def drawn_matrix(page) -> tuple[tuple[bool, ...], ...]:
    """The QR code bankid.js drew, module by module (its path: one square a
    dark module, 4 modules of quiet zone, 6 px a module)."""
    svg = page.locator("#bankid-qr svg")
    size = int(svg.get_attribute("viewBox").split()[2]) // 6 - 8
    dark = {
        (int(y) - 4, int(x) - 4)
        for x, y in QR_PATH_RE.findall(svg.locator("path").nth(1).get_attribute("d"))
    }
    return tuple(tuple((row, col) in dark for col in range(size)) for row in range(size))


def read_qr(matrix) -> str:
    """What a phone's camera reads from the drawn code: zbar decodes it from
    an image (4 px a module, 4 modules of quiet zone)."""
    scale, border = 4, 4
    size = (len(matrix) + 2 * border) * scale
    pixels = bytearray([255]) * (size * size)
    for row, modules in enumerate(matrix):
        for col, dark in enumerate(modules):
            if dark:
                for dy in range(scale):
                    at = ((row + border) * scale + dy) * size + (col + border) * scale
                    pixels[at : at + scale] = bytes(scale)
    found = pyzbar.decode((bytes(pixels), size, size), symbols=[pyzbar.ZBarSymbol.QRCODE])
    assert len(found) == 1, "no QR code could be read from the drawing"
    return found[0].data.decode("ascii")


def test_the_animated_qr_code_is_drawn_in_the_browser_from_the_polls_contents(
    site, context, bankid, eservice
):
    page = site.page
    answers: list[dict] = []
    images: list[str] = []
    page.on("request", lambda r: images.append(r.url) if "/bankid/qr/" in r.url else None)

    def keep_answer(response) -> None:
        if "/logga-in/bankid/status/" in response.url and response.ok:
            with contextlib.suppress(Error):  # the page moved on while the body was read
                answers.append(response.json())

    page.on("response", keep_answer)
    log_in_from_intro(site, eservice, "Mobilt BankID på en annan enhet")
    assert not page.evaluate("'data-qr-url' in document.getElementById('bankid').dataset")
    qr = page.locator("#bankid-qr svg")
    # The page brings the codes of its first seconds, each poll the next
    # ones; the script draws one a second (one square a dark module, where
    # segno's drawing has lines).
    sent = page.evaluate("JSON.parse(document.getElementById('bankid').dataset.qr)")
    assert len(sent) == 5
    # (expect, not wait_for_function: a string predicate is eval'd in the
    # page, which the site's Content-Security-Policy refuses.)
    expect(qr.locator("path").last).to_have_attribute("d", re.compile(r"^M\d+ \d+h1v1h-1z"))
    expect(qr).to_have_attribute("aria-label", "QR-kod för BankID")
    expect(qr.locator("title")).to_have_text("QR-kod för BankID")
    drawn = []
    for _ in range(3):
        drawn.append(drawn_matrix(page))
        time.sleep(1.05)
    assert drawn[0] != drawn[1] != drawn[2]  # a new code every second, without a request
    order = session_order(context)
    contents = set(sent) | {content for answer in answers for content in answer["qr"]}
    assert contents and all(c.startswith(f"bankid.{order['qr_start_token']}.") for c in contents)
    for matrix in drawn:
        content = read_qr(matrix)
        assert content in contents  # one of the codes the poll sent…
        second = int(content.split(".")[2])  # …and BankID's for its second
        assert content == qr_content(order["qr_start_token"], order["qr_start_secret"], second)
        # The same version (size) as the server's drawing; error correction L as its.
        assert len(matrix) == segno.make(content, error="l", micro=False).symbol_size(border=0)[0]
    assert images == []  # the server draws no image for the script any more
    site.scan()


def test_bankid_on_this_device_with_the_autostart_link(site, context, bankid, eservice):
    page = site.page
    log_in_from_intro(site, eservice, "BankID på den här enheten")
    expect(page.locator("#bankid-qr")).to_have_count(0)
    link = page.get_by_role("link", name="Öppna BankID-appen")
    href = link.get_attribute("href")
    order = session_order(context)
    assert href.startswith("bankid:///?autostarttoken=")
    assert order["auto_start_token"] in href

    app = open_app(context, bankid)
    paste_in_app(app, href)
    app.get_by_label(re.compile(re.escape(f"{PERSONNUMMER[:8]}-{PERSONNUMMER[8:]}"))).check()
    with site.navigation():
        app.get_by_role("button", name="Godkänn").click()
        page.wait_for_url(f"**/e-tjanster/{eservice.slug}/", timeout=POLL_MS)
    expect_logged_in_on_intro(site, eservice)


def test_cancel_on_the_waiting_page(site, context, bankid, eservice):
    page = site.page
    log_in_from_intro(site, eservice, "Mobilt BankID på en annan enhet")
    order_ref = session_order(context)["order_ref"]
    with site.navigation():
        page.get_by_role("button", name="Avbryt").click()
    assert site.url_path().startswith("/logga-in/?next=")
    expect(page.get_by_text("Inloggningen avbröts.")).to_be_visible()
    assert bankid.orders[order_ref].status == "failed"
    assert bankid.orders[order_ref].hint_code == "cancelled"
    expect(page.locator(".account-name")).to_have_count(0)


def wait_for_the_failure(site, message: str = "Åtgärden avbröts.") -> None:
    """The waiting page shows what happened and a way to try again."""
    page = site.page
    loads = site.navigations
    deadline = time.monotonic() + POLL_MS / 1000
    # Whether the page changes in place or reloads, wait for it and scan it.
    while time.monotonic() < deadline and site.navigations == loads:
        if page.get_by_role("button", name="Försök igen").count():
            break
        page.wait_for_timeout(200)
    page.wait_for_load_state("load")
    site.scan()
    assert site.url_path() == "/logga-in/bankid/vantar/"
    expect(page.locator("#bankid-message")).to_have_text(message)
    expect(page.get_by_role("button", name="Försök igen")).to_be_visible()
    expect(page.locator(".account-name")).to_have_count(0)


def test_a_cancel_in_the_app_is_shown_on_the_waiting_page(site, context, bankid, eservice):
    log_in_from_intro(site, eservice, "Mobilt BankID på en annan enhet")
    app = open_app(context, bankid)
    order = session_order(context)
    seconds = int(time.time() - order["started_at"])
    paste_in_app(app, qr_content(order["qr_start_token"], order["qr_start_secret"], seconds))
    app.get_by_role("button", name="Avbryt").click()
    expect(app.get_by_role("status")).to_contain_text("Du avbröt")
    scan_app(app)
    wait_for_the_failure(site)


def test_a_scripted_user_cancel_is_shown_on_the_waiting_page(site, bankid, eservice):
    bankid.script(PERSONNUMMER, after_polls=1, fail_hint="userCancel")
    log_in_from_intro(site, eservice, "BankID på den här enheten")
    wait_for_the_failure(site)


def test_an_order_nobody_finishes_expires_with_bankids_message(site, context, bankid, eservice):
    bankid.script(PERSONNUMMER, after_polls=1, fail_hint="expiredTransaction")
    log_in_from_intro(site, eservice, "Mobilt BankID på en annan enhet")
    wait_for_the_failure(
        site,
        "BankID-appen svarar inte. Kontrollera att den är startad och att du har "
        "internetanslutning. Försök sedan igen.",
    )


def test_logging_out_from_the_header(site, context, bankid, eservice):
    page = site.page
    bankid.script(PERSONNUMMER, after_polls=1)  # the app approves on the 2nd collect
    log_in_from_intro(site, eservice, "Mobilt BankID på en annan enhet")
    with site.navigation():
        page.wait_for_url(f"**/e-tjanster/{eservice.slug}/", timeout=POLL_MS)
    expect(page.locator(".account-name")).to_have_text(f"Inloggad som {NAME}")
    with site.navigation():
        page.locator(".account").get_by_role("button", name="Logga ut").click()
    assert site.url_path() == "/"
    expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    expect(page.locator(".account-name")).to_have_count(0)
    # The e-service asks for a login again.
    site.visit(f"/e-tjanster/{eservice.slug}/")
    expect(page.get_by_role("link", name="Logga in och starta")).to_be_visible()


def approve_in_app(
    site, context, bankid, *, wait_for: str, heading: str = "Identifiera dig"
) -> None:
    """Paste the autostart link of the waiting page into the app and approve."""
    page = site.page
    href = page.get_by_role("link", name="Öppna BankID-appen").get_attribute("href")
    app = open_app(context, bankid)
    paste_in_app(app, href, heading=heading)
    app.get_by_label(re.compile(re.escape(f"{PERSONNUMMER[:8]}-{PERSONNUMMER[8:]}"))).check()
    with site.navigation():
        app.get_by_role("button", name="Godkänn").click()
        page.wait_for_url(wait_for, timeout=POLL_MS)
    app.close()


def test_an_eservice_that_requires_signing_is_signed_and_sent(
    site, context, bankid, transactional_db
):
    from etjanst.cases.models import Case

    eservice = EServiceFactory(
        name="Ansökan om bygglov", login="required", requires_signing=True, form=FORM
    )
    page = site.page
    log_in_from_intro(site, eservice, "BankID på den här enheten")
    approve_in_app(site, context, bankid, wait_for=f"**/e-tjanster/{eservice.slug}/")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    page.get_by_label("E-postadress").fill("anna@example.se")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granska och skicka")
    expect(page.get_by_text("Du skriver under med BankID innan ärendet skickas.")).to_be_visible()
    with site.navigation():
        page.get_by_role("button", name="Skriv under med BankID på den här enheten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv under med BankID")
    assert Case.objects.count() == 0
    approve_in_app(site, context, bankid, wait_for="**/kvitto/**", heading="Skriv under")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt ärende är nu inskickat")
    expect(page.get_by_text(f"Signerad med BankID av {NAME}")).to_be_visible()
    case = Case.objects.get()
    assert case.signature["personnummer"] == PERSONNUMMER
