"""Case handling in Chromium, with axe on every page on both sides: a
resident sends a case; an officer logs in (password + one-time code), finds
it, takes it and asks for more; the resident sees the status and the message
under Mina sidor and answers with a file; the officer closes the case; the
resident sees who opened it."""

import re

import pytest
from playwright.sync_api import expect

from etjanst.cases.models import Case, Message
from tests.browser.conftest import Site
from tests.browser.test_mypages import log_in_with_bankid
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import PASSWORD, current_code, staff_user

pytestmark = pytest.mark.browser

FORM = {
    "steps": [
        {
            "id": "om",
            "title": "Om felet",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True}
            ],
        }
    ]
}


@pytest.fixture
def eservice(transactional_db):
    committee = CommitteeFactory(name="Tekniska nämnden", prefix="TN")
    return EServiceFactory(
        name="Felanmälan gatubelysning", login="optional", committee=committee, form=FORM
    )


@pytest.fixture
def officer_site(browser, live_server, static_files):
    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    context.set_default_timeout(10_000)
    site = Site(context.new_page(), live_server.url)
    yield site
    site.check_all_scanned()
    context.close()


def test_a_case_from_resident_to_officer_and_back(
    site, context, bankid, eservice, officer_site, tmp_path
):
    officer = staff_user(
        "hanna", committee=eservice.committee, first_name="Hanna", last_name="Handläggare"
    )
    page = site.page
    # The resident sends a case while logged in.
    site.visit(f"/e-tjanster/{eservice.slug}/")
    log_in_with_bankid(site, context, bankid, "Logga in först", f"/e-tjanster/{eservice.slug}/")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    page.get_by_label("Rubrik").fill("Lampan vid skolan är trasig")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    with site.navigation():
        page.get_by_role("button", name="Skicka").click()
    case = Case.objects.get()

    # The officer logs in with password and one-time code, and finds it.
    staff = officer_site.page
    officer_site.visit("/handlaggning/")
    assert officer_site.url_path().startswith("/handlaggning/logga-in/")
    staff.get_by_label("Användarnamn").fill("hanna")
    staff.get_by_label("Lösenord").fill(PASSWORD)
    with officer_site.navigation():
        staff.get_by_role("button", name="Fortsätt").click()
    staff.get_by_label("Kod (sex siffror)").fill(current_code(officer))
    with officer_site.navigation():
        staff.get_by_role("button", name="Logga in").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Inkorg")
    staff.get_by_label("Sök på diarienummer").fill(case.registration_number)
    with officer_site.navigation():
        staff.get_by_role("button", name="Sök", exact=True).click()
    with officer_site.navigation():
        staff.get_by_role("link", name=case.registration_number).click()
    expect(staff.get_by_text("Lampan vid skolan är trasig")).to_be_visible()
    with officer_site.navigation():
        staff.get_by_role("button", name="Tilldela mig").click()
    with officer_site.navigation():
        staff.get_by_role("button", name="Under handläggning").click()
    with officer_site.navigation():
        staff.get_by_role("button", name="Komplettering begärd").click()
    staff.get_by_label("Skriv till invånaren").fill("Kan du skicka en bild på lampan?")
    with officer_site.navigation():
        staff.get_by_role("button", name="Skicka till invånaren").click()
    expect(staff.get_by_text("Meddelandet är skickat till invånaren.")).to_be_visible()

    # The resident sees the status and the message, and answers with a file.
    site.visit(f"/mina-sidor/arenden/{case.pk}/")
    expect(
        page.get_by_text("Vi behöver mer information från dig.", exact=False).first
    ).to_be_visible()
    expect(page.get_by_text("Kan du skicka en bild på lampan?")).to_be_visible()
    picture = tmp_path / "lampa.png"
    picture.write_bytes(PNG_BYTES)
    page.get_by_label("Skriv ett meddelande").fill("Här är bilden.")
    page.get_by_label("Bifoga filer (frivilligt)").set_input_files(str(picture))
    with site.navigation():
        page.get_by_role("button", name="Skicka meddelandet").click()
    assert Message.objects.get(from_staff=False).attachments.get().original_name == "lampa.png"

    # The officer sees the answer and closes the case.
    officer_site.visit(f"/handlaggning/arenden/{case.pk}/")
    expect(staff.get_by_role("link", name="lampa.png")).to_be_visible()
    with officer_site.navigation():
        staff.get_by_role("button", name="Under handläggning").click()
    with officer_site.navigation():
        staff.get_by_role("button", name="Avslutat").click()
    case.refresh_from_db()
    assert case.status.code == "avslutat"

    # The resident sees the case closed, and who opened it.
    site.visit(f"/mina-sidor/arenden/{case.pk}/")
    expect(
        page.get_by_text("Ärendet är avslutat och tar inte emot fler meddelanden.")
    ).to_be_visible()
    history = page.locator("#vem-har-tittat + p + ol")
    expect(history).to_contain_text(
        re.compile(r"Hanna Handläggare \(Handläggare\) öppnade ärendet")
    )
