"""What a resident meets on a phone and in the middle of a form, in a real
browser with axe on every page: the intro puts Starta first, BankID on this
device comes first, Avbryt asks before anything is removed, and a resident
who has not logged in is told that logging in lets them save."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from etjanst.eservices.models import EService
from tests.browser.conftest import TIMEOUT_MS, Site
from tests.eid.test_devices import IPHONE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_context(browser, live_server, static_files) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport=PHONE,
        user_agent=IPHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def phone(phone_context, live_server) -> Iterator[Site]:
    page = phone_context.new_page()
    site = Site(page, live_server.url)
    yield site
    site.check_all_scanned()
    page.close()


def test_on_a_phone_the_start_action_is_on_the_first_screen(phone, demo):
    page = phone.page
    for eservice in EService.objects.published():
        phone.visit(f"/e-tjanster/{eservice.slug}/")
        start = page.locator("form.actions .button-primary").first
        expect(start).to_be_visible()
        top = start.bounding_box()["y"]
        # The start form begins on the first screen; where it asks about
        # anonymity first, the button follows right after (it was ~2,700 px).
        form_top = page.locator("form.actions").first.bounding_box()["y"]
        assert form_top + 48 <= PHONE["height"], (eservice.slug, form_top)
        assert top <= PHONE["height"] * 1.25, (eservice.slug, top)
        need = page.get_by_role("heading", name="Det här behöver du")
        assert need.bounding_box()["y"] < top, eservice.slug
        # The personal-data summary is there; the long text is folded.
        expect(
            page.get_by_role("heading", name="Så behandlar vi dina personuppgifter")
        ).to_be_visible()
        if eservice.personal_data_text:
            details = page.locator("details.details")
            expect(details).not_to_have_attribute("open", "")
            first_line = eservice.personal_data_text.splitlines()[0]
            expect(details.get_by_text(first_line)).to_be_hidden()
            details.locator("summary").click()
            expect(details.get_by_text(first_line)).to_be_visible()


def test_on_a_phone_bankid_on_this_device_comes_first(phone, bankid, transactional_db):
    page = phone.page
    phone.visit("/logga-in/")
    with phone.navigation():
        page.get_by_role("link", name="BankID").click()
    buttons = page.locator("form.actions button")
    expect(buttons.first).to_have_text("BankID på den här enheten")
    expect(buttons.nth(1)).to_have_text("Mobilt BankID på en annan enhet")


def test_on_a_computer_mobilt_bankid_comes_first(site, bankid, transactional_db):
    site.visit("/logga-in/bankid/")
    expect(site.page.locator("form.actions button").first).to_have_text(
        "Mobilt BankID på en annan enhet"
    )


def test_avbryt_asks_first_and_no_keeps_the_answers(phone, demo):
    page = phone.page
    phone.visit("/e-tjanster/synpunkter-och-klagomal/")
    page.get_by_label("Nej, jag lämnar mina uppgifter").check()
    with phone.navigation():
        page.get_by_role("button", name="Starta").click()
    # Not logged in: the step says what logging in would give, with a link.
    hint = page.locator(".save-login")
    expect(hint).to_contain_text("Vill du kunna spara och fortsätta senare?")
    expect(hint.get_by_role("link", name="Logga in med e-legitimation")).to_be_visible()
    first_field = page.locator(
        "form.step-form textarea:visible, form.step-form input[type=text]:visible"
    ).first
    first_field.fill("Lampan på Storgatan")
    with phone.navigation():
        page.get_by_role("link", name="Avbryt och ta bort mina svar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ta bort dina svar?")
    with phone.navigation():
        page.get_by_role("link", name="Nej, fortsätt fylla i").click()
    assert "/steg/1/" in phone.url_path()
    with phone.navigation():
        page.get_by_role("link", name="Avbryt och ta bort mina svar").click()
    with phone.navigation():
        page.get_by_role("button", name="Ja, ta bort mina svar").press("Enter")
    expect(page.get_by_text("Dina svar är borttagna. Inget skickades in.")).to_be_visible()


def test_on_a_phone_the_logged_in_header_is_slim_and_the_tabs_fit(
    phone, phone_context, bankid, demo
):
    from tests.browser.test_mypages import log_in_with_bankid

    page = phone.page
    phone.visit("/")
    log_in_with_bankid(phone, phone_context, bankid, "Logga in till Mina sidor", "/mina-sidor/")
    header = page.locator(".site-header").bounding_box()["height"]
    assert header <= PHONE["height"] * 0.12, header  # it was 28 %
    cards = page.locator(".summary-cards section")
    for n in range(cards.count()):
        expect(cards.nth(n).get_by_role("link")).to_have_count(1)
    with phone.navigation():
        page.locator(".summary-cards").get_by_role("link", name="Visa pågående ärenden").click()
    tabs = page.locator(".tabs a")
    tops = {round(tabs.nth(n).bounding_box()["y"]) for n in range(tabs.count())}
    assert len(tops) == 1, tops  # one line


def test_a_file_input_is_styled_and_shows_keyboard_focus(site, demo):
    page = site.page
    site.visit("/e-tjanster/felanmalan-gata-och-park/")  # a photo on the first step
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    file_input = page.locator("input[type=file]").first
    button = file_input.evaluate(
        "el => { const s = getComputedStyle(el, '::file-selector-button');"
        " return [s.borderTopWidth, s.backgroundColor, s.minHeight]; }"
    )
    assert button == ["2px", "rgb(255, 255, 255)", "44px"], button
    for _ in range(40):  # reach it with the keyboard: focus is shown
        page.keyboard.press("Tab")
        if file_input.evaluate("el => el === document.activeElement"):
            break
    assert file_input.evaluate("el => el === document.activeElement")
    outline = file_input.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"


def test_on_a_phone_the_booking_deadline_is_said_and_the_calendar_file_offered(
    phone, phone_context, bankid, transactional_db
):
    import datetime

    from etjanst.bookings.models import OpeningRule
    from tests.bookings.factories import ResourceFactory, booking_form
    from tests.browser.test_mypages import log_in_with_bankid
    from tests.eservices.factories import EServiceFactory

    # Open round the clock every day: some time is always inside the 24 hours.
    resource = ResourceFactory(
        name="Budget- och skuldrådgivning",
        slug="budget-phone",
        hours=(datetime.time(0), datetime.time(23, 30)),
    )
    for weekday in (5, 6):
        OpeningRule.objects.create(
            resource=resource, weekday=weekday, opens=datetime.time(0), closes=datetime.time(23, 30)
        )
    eservice = EServiceFactory(
        name="Boka rådgivning", login="optional", form=booking_form(resource)
    )
    page = phone.page
    phone.visit(f"/e-tjanster/{eservice.slug}/")
    log_in_with_bankid(
        phone, phone_context, bankid, "Logga in först", f"/e-tjanster/{eservice.slug}/"
    )
    with phone.navigation():
        page.get_by_role("button", name="Starta").click()
    picker = page.get_by_role("group", name="Välj en tid")
    expect(picker).to_contain_text("Du kan avboka eller boka om fram till 24 timmar före tiden")
    first = picker.locator("label").first
    expect(first).to_contain_text("kan inte avbokas")
    first.click()
    with phone.navigation():
        page.get_by_role("button", name="Nästa").click()
    page.get_by_label("E-postadress").fill("invanare@example.se")
    with phone.navigation():
        page.get_by_role("button", name="Nästa").click()
    expect(page.locator(".message-warning")).to_contain_text(
        "kan du inte avboka eller boka om på webben"
    )
    with phone.navigation():
        page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ditt ärende är nu inskickat")
    phone.visit("/mina-sidor/bokningar/")
    with phone.navigation():
        page.get_by_role("link", name="Budget- och skuldrådgivning").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Lägg till tiden i din kalender").click()
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "Budget- och skuldrådgivning" in ics
