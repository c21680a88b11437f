"""The e-service builder with the keyboard only (Tab, arrow keys, Enter,
typing; no mouse): an administrator creates an e-service from nothing, adds
a step, a yes/no question and a follow-up shown on "Ja", an e-mail question,
moves and deletes a question (focus checked after each add, move and
delete), adds a step with an attachment, checks and publishes it. axe scans
every builder page on the way. Then a resident fills in and sends it, and the
case reaches the inbox and the confirmation the SMTP server. Before it is
published, the administrator tries it in test mode ("Testa e-tjänsten") as
a test person, and the test is never registered."""

import os
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from etjanst.cases.models import Case
from etjanst.eservices.models import EService
from tests.browser.test_keyboard import has_focus, tab_to
from tests.eservices.factories import CategoryFactory
from tests.files import PNG_BYTES
from tests.organisation.factories import CommitteeFactory, RetentionRuleFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.browser


@pytest.fixture
def administrator(transactional_db, context, live_server):
    committee = CommitteeFactory(prefix="BUN", name="Barn- och utbildningsnämnden")
    CategoryFactory(name="Förskola och skola")
    RetentionRuleFactory(committee=committee, name="Ärenden i e-tjänster")
    user = staff_user("frida", role="eservice_manager", committee=committee)
    client = Client()
    log_in_staff(client, user)  # password and one-time code are tested elsewhere
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return user


# With SCREENSHOT_DIR set (e.g. docs/images), the test saves the pictures
# that docs/builder.md shows: they are always of the builder as it is.
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "")


def _shoot(page, name: str) -> None:
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"builder-{name}.png"), full_page=True)


def _back_to(page, target) -> None:
    """Shift+Tab until `target` has focus (it is above the focus)."""
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if has_focus(target):
            return
    pytest.fail(f"Shift+Tab never reached {target}", pytrace=False)


def _type_into(page, label: str, text: str) -> None:
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.type(text)


def _choose(page, label: str, presses: int = 1) -> None:
    """Pick an option in a closed <select> with the arrow keys."""
    tab_to(page, page.get_by_label(label, exact=True))
    for _ in range(presses):
        page.keyboard.press("ArrowDown")


def _press_enter_on(site, locator) -> None:
    tab_to(site.page, locator)
    with site.navigation():
        site.page.keyboard.press("Enter")


def test_build_an_eservice_with_the_keyboard_only(site, administrator):
    eservice = build_with_the_keyboard(site)
    assert EService.objects.published().filter(pk=eservice.pk).exists()


def build_with_the_keyboard(site) -> EService:
    page = site.page
    site.visit("/handlaggning/e-tjanster/")
    _press_enter_on(site, page.get_by_role("link", name="Skapa en ny e-tjänst"))

    _type_into(page, "Namn", "Ansökan om skolskjuts")
    _type_into(page, "Kortnamn", "skolskjuts")
    _choose(page, "Kategori")
    _choose(page, "Ansvarig nämnd")
    _type_into(page, "Kort beskrivning", "Sök skolskjuts för ditt barn.")
    _type_into(page, "Om e-tjänsten", "Barn som bor långt från skolan kan få skolskjuts.")
    _choose(page, "Gallringsregel")
    _type_into(page, "Ändamål med personuppgifterna", "För att pröva ansökan.")
    _type_into(page, "Rättslig grund", "Myndighetsutövning.")
    _shoot(page, "skapa")
    _press_enter_on(site, page.get_by_role("button", name="Skapa e-tjänsten"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ansökan om skolskjuts")

    # A step; focus lands on "Lägg till en fråga" in the new step.
    _press_enter_on(site, page.get_by_role("link", name="Lägg till ett steg"))
    _type_into(page, "Rubrik", "Om barnet")
    _press_enter_on(site, page.get_by_role("button", name="Spara steget"))
    add_question = page.get_by_role("link", name="Lägg till en fråga i steget Om barnet")
    assert has_focus(add_question)

    def add(type_presses: int, label: str, condition_presses: int = 0) -> None:
        with site.navigation():
            page.keyboard.press("Enter")  # focus is on "Lägg till en fråga"
        page.keyboard.press("Space")  # the first type (Kort text) has focus
        for _ in range(type_presses):
            page.keyboard.press("ArrowDown")
        _press_enter_on(site, page.get_by_role("button", name="Fortsätt"))
        _type_into(page, "Fråga", label)
        if condition_presses:
            _choose(page, "Visa frågan", condition_presses)
            _shoot(page, "villkor")
        _press_enter_on(site, page.get_by_role("button", name="Spara frågan"))
        edit = page.get_by_role("link", name=f"Ändra {label}")
        assert has_focus(edit), f"focus after adding {label}"
        tab_to(page, page.get_by_role("link", name="Lägg till en fråga i steget Om barnet"))

    add(9, "Har barnet långt till skolan?")  # Ja eller nej
    add(0, "Hur långt är det?", condition_presses=1)  # «…» är «Ja»
    add(3, "E-postadress")
    add(0, "Barnets namn")
    expect(page.get_by_text("Visas när «Har barnet långt till skolan?» är «Ja».")).to_be_visible()

    _shoot(page, "steg-och-fragor")
    # Move "Barnets namn" up: focus stays on its "Flytta upp" button.
    _back_to(page, page.get_by_role("button", name="Flytta upp Barnets namn"))
    with site.navigation():
        page.keyboard.press("Enter")
    assert has_focus(page.get_by_role("button", name="Flytta upp Barnets namn"))
    with site.navigation():
        page.keyboard.press("Enter")
    assert has_focus(page.get_by_role("button", name="Flytta upp Barnets namn"))
    items = page.locator(".builder-questions > li strong")
    expect(items).to_have_text(
        ["Har barnet långt till skolan?", "Barnets namn", "Hur långt är det?", "E-postadress"]
    )

    # Delete it: focus goes to the first question of the step.
    _press_enter_on(site, page.get_by_role("button", name="Ta bort Barnets namn"))
    assert has_focus(page.get_by_role("link", name="Ändra Har barnet långt till skolan?"))
    expect(items).to_have_count(3)

    # A second step with an attachment: PDF and PNG accepted (Space ticks a box).
    _press_enter_on(site, page.get_by_role("link", name="Lägg till ett steg"))
    _type_into(page, "Rubrik", "Bilagor")
    _press_enter_on(site, page.get_by_role("button", name="Spara steget"))
    with site.navigation():
        page.keyboard.press("Enter")  # focus is on "Lägg till en fråga" in Bilagor
    page.keyboard.press("Space")
    for _ in range(14):  # Bifogad fil
        page.keyboard.press("ArrowDown")
    _press_enter_on(site, page.get_by_role("button", name="Fortsätt"))
    _type_into(page, "Fråga", "Karta över vägen")
    for kind in ("PDF", "PNG"):
        tab_to(page, page.get_by_label(kind, exact=True))
        page.keyboard.press("Space")
    _press_enter_on(site, page.get_by_role("button", name="Spara frågan"))
    assert has_focus(page.get_by_role("link", name="Ändra Karta över vägen"))

    # Deleting a step with questions asks first; "Nej" goes back to the step.
    _back_to(page, page.get_by_role("button", name="Ta bort steget Bilagor"))
    with site.navigation():
        page.keyboard.press("Enter")
    assert has_focus(page.get_by_role("button", name="Ja, ta bort steget"))
    _press_enter_on(site, page.get_by_role("link", name="Nej, behåll det"))
    assert has_focus(page.get_by_role("heading", name="Steg 2: Bilagor"))

    try_it_in_test_mode(site)

    # Check and publish.
    _press_enter_on(site, page.get_by_role("link", name="Kontrollera och publicera"))
    expect(page.get_by_text("Kontrollen hittade inget att rätta.")).to_be_visible()
    _shoot(page, "publicera")
    _press_enter_on(site, page.get_by_role("button", name="Publicera"))
    expect(page.get_by_text("Version 1 är publicerad.")).to_be_visible()
    eservice = EService.objects.get(slug="skolskjuts")
    questions = eservice.current_version.form["steps"][0]["questions"]
    assert questions[1]["visible_if"] == {"question": questions[0]["id"], "equals": "yes"}
    assert EService.objects.published().filter(pk=eservice.pk).exists()

    site.visit(f"/handlaggning/e-tjanster/{eservice.pk}/versioner/?fran=1&till=1")
    _shoot(page, "versioner")
    # Every other builder page passes axe too.
    for path in (
        "statusar/",
        "versioner/?fran=1&till=1",
        "andringslogg/",
        "kopiera/",
        "installningar/",
    ):
        site.visit(f"/handlaggning/e-tjanster/{eservice.pk}/{path}")
    site.visit("/handlaggning/e-tjanster/importera/")
    site.visit(f"/handlaggning/e-tjanster/{eservice.pk}/fragor/{questions[0]['id']}/")
    return eservice


def try_it_in_test_mode(site) -> None:
    """Testa e-tjänsten, with the keyboard: the draft is filled in as a test
    person on the resident's pages, each with the Testläge banner, and Skicka
    shows the test receipt. Nothing is registered."""
    page = site.page
    _press_enter_on(site, page.get_by_role("link", name="Testa e-tjänsten"))
    tab_to(page, page.get_by_label("Inte inloggad"))
    page.keyboard.press("ArrowDown")  # the first test person
    expect(page.get_by_label("Anna Andersson", exact=False)).to_be_checked()
    _shoot(page, "testa")
    _press_enter_on(site, page.get_by_role("button", name="Starta testet"))
    banner = page.locator(".test-banner")
    expect(banner).to_contain_text("Testläge")
    expect(page.get_by_text("Testar som Anna Andersson")).to_be_visible()
    _press_enter_on(site, page.get_by_role("button", name="Starta", exact=True))

    expect(banner).to_contain_text("Testläge")
    tab_to(page, page.get_by_role("radio", name="Ja"))
    page.keyboard.press("Space")
    for label, text in (("Hur långt är det?", "Tre kilometer"),
                        ("E-postadress", "forvaltare@example.se")):  # fmt: skip
        tab_to(page, page.get_by_label(label))  # the label says "(frivillig)" too
        page.keyboard.type(text)
    _shoot(page, "testlage")
    _press_enter_on(site, page.get_by_role("button", name="Nästa"))
    expect(banner).to_contain_text("Testläge")
    with tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / "karta.png"
        picture.write_bytes(PNG_BYTES)
        page.get_by_label("Karta över vägen").set_input_files(str(picture))
        _press_enter_on(site, page.get_by_role("button", name="Nästa"))
    expect(banner).to_contain_text("Testläge")
    expect(page.get_by_text("Tre kilometer")).to_be_visible()
    _press_enter_on(site, page.get_by_role("button", name="Skicka"))

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Testet är klart – inget skickades in"
    )
    expect(banner).to_contain_text("Testläge")
    expect(page.get_by_text("Hade skickats till forvaltare@example.se.")).to_be_visible()
    expect(page.get_by_text("karta.png")).to_be_visible()
    _shoot(page, "testkvitto")
    assert not Case.objects.exists()
    _press_enter_on(site, page.get_by_role("button", name="Avsluta testet"))
    expect(page.get_by_text("Testet är avslutat. Inget skickades in.")).to_be_visible()


def test_a_built_eservice_is_filled_and_sent_by_a_resident(
    site, administrator, mailbox, run_tasks, tmp_path
):
    """The e-service built above, published, as a resident meets it: the
    follow-up question shows on "Ja", the file is attached, the case reaches
    the officer's inbox and the confirmation the SMTP server."""
    eservice = build_with_the_keyboard(site)
    page = site.page
    site.visit(f"/e-tjanster/{eservice.slug}/")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    page.get_by_role("radio", name="Ja").check()
    page.get_by_label("Hur långt är det?").fill("Fem kilometer")
    page.get_by_label("E-postadress").fill("vardnadshavare@example.se")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    picture = tmp_path / "karta.png"
    picture.write_bytes(PNG_BYTES)
    page.get_by_label("Karta över vägen").set_input_files(str(picture))
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    with site.navigation():
        page.get_by_role("button", name="Skicka").click()
    expect(page.locator(".success-box")).to_contain_text("Ditt ärende är nu inskickat")
    case = Case.objects.get(eservice=eservice)
    assert case.answers[eservice.current_version.form["steps"][0]["questions"][1]["id"]] == (
        "Fem kilometer"
    )
    assert case.attachments.count() == 1

    officer = staff_user("hanna", role="case_officer", committee=eservice.committee)
    client = Client()
    log_in_staff(client, officer)
    assert case.registration_number in client.get("/handlaggning/").content.decode()
    run_tasks()
    messages = [m for m in mailbox.wait_for(1) if m["To"] == "vardnadshavare@example.se"]
    assert len(messages) == 1 and case.registration_number in messages[0]["Subject"]
