"""Public documents in Chromium, with axe on every page: a visitor reads the
register and asks for a document without logging in; a registrar logs in,
tries it for secrecy with one masked answer and one withheld file, and
releases it; the masked copy and the decision exist and hold no secret."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from etjanst.diarium.models import DocumentRequest, Release
from tests.browser.conftest import Site
from tests.diarium.world import SECRET_HEALTH, make_world
from tests.staff_accounts import PASSWORD, current_code

pytestmark = pytest.mark.browser


@pytest.fixture
def registrar_site(browser, live_server, static_files):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", accept_downloads=True)
    context.set_default_timeout(10_000)
    site = Site(context.new_page(), live_server.url)
    yield site
    site.check_all_scanned()
    context.close()


def pdf_text(path) -> str:
    with open(path, "rb") as file:
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(file.read())).pages)


def test_a_visitor_asks_and_a_registrar_releases_a_masked_copy(
    site, transactional_db, registrar_site
):
    world = make_world()
    case, registrar = world["case"], world["registrar"]
    page = site.page

    # The visitor reads the register: the secret case shows no sender.
    site.visit("/diarium/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Diarium")
    row = page.get_by_role("row").filter(has_text=case.registration_number)
    expect(row).to_contain_text("Sekretess")
    expect(row).not_to_contain_text("Anna")
    with site.navigation():
        page.get_by_role("link", name="Begär ut en allmän handling").click()
    # Sending nothing gives a clear message.
    with site.navigation():
        page.get_by_role("button", name="Skicka begäran").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv vilken handling du vill ha")
    page.get_by_label("Vilken handling vill du ta del av?").fill(
        f"Ansökan {case.registration_number}"
    )
    page.get_by_label("Läsa på plats i kommunhuset").check()
    with site.navigation():
        page.get_by_role("button", name="Skicka begäran").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Din begäran är inskickad")
    request = DocumentRequest.objects.get()
    expect(page.get_by_text(request.registration_number)).to_be_visible()

    # The registrar logs in with password and one-time code.
    staff = registrar_site.page
    registrar_site.visit("/handlaggning/utlamnande/")
    staff.get_by_label("Användarnamn").fill("rut")
    staff.get_by_label("Lösenord").fill(PASSWORD)
    with registrar_site.navigation():
        staff.get_by_role("button", name="Fortsätt").click()
    staff.get_by_label("Kod (sex siffror)").fill(current_code(registrar))
    with registrar_site.navigation():
        staff.get_by_role("button", name="Logga in").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Begäran om allmän handling")
    with registrar_site.navigation():
        staff.get_by_role("link", name=request.registration_number).click()
    with registrar_site.navigation():
        staff.get_by_role("link", name=f"Pröva {case.registration_number}").click()

    # The health answer is preset secret; the registrar withholds the file too.
    expect(staff.get_by_label("Prövning av Hälsotillstånd")).to_have_value("OSL 21:1")
    staff.get_by_label("Prövning av intyg.png").select_option("OSL 21:1")
    with registrar_site.navigation():
        staff.get_by_role("button", name="Lämna ut maskerad kopia").click()
    expect(staff.get_by_text("Ett beslut om sekretess har skrivits.")).to_be_visible()

    release = Release.objects.get()
    assert [p["label"] for p in release.masked] == ["Hälsotillstånd"]
    assert [p["label"] for p in release.withheld] == ["intyg.png"]
    with staff.expect_download() as download:
        staff.get_by_role("link", name="Maskerad kopia (PDF)").click()
    copy = pdf_text(download.value.path())
    assert SECRET_HEALTH not in copy
    assert "[Sekretess enligt OSL 21:1]" in copy
    with staff.expect_download() as download:
        staff.get_by_role("link", name="Beslut (PDF)").click()
    decision = pdf_text(download.value.path())
    assert "kammarrätten" in decision
    assert "OSL 21:1" in decision

    with registrar_site.navigation():
        staff.get_by_role("button", name="Avsluta begäran").click()
    expect(staff.get_by_text("Begäran är avslutad.")).to_be_visible()
