"""Anonymous submission and the register extract in Chromium, with axe on
every page."""

import pytest
from playwright.sync_api import expect

from etjanst.cases.models import Case
from etjanst.eid.person import Person
from etjanst.people.models import DataExtract
from tests.browser.test_bankid import PERSONNUMMER
from tests.browser.test_mypages import log_in_with_bankid
from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case

pytestmark = pytest.mark.browser

FORM = {
    "steps": [
        {
            "id": "synpunkt",
            "title": "Din synpunkt",
            "questions": [
                {"id": "text", "type": "long_text", "label": "Synpunkt", "required": True}
            ],
        },
        {
            "id": "du",
            "title": "Dina kontaktuppgifter",
            "questions": [
                {"id": "kontakt", "type": "contact", "label": "Kontakt", "required": True}
            ],
        },
    ]
}


@pytest.fixture
def eservice(transactional_db):
    return EServiceFactory(
        name="Synpunkter på parker", login="optional", offers_anonymity=True, form=FORM
    )


def test_anonymous_then_the_register_extract(site, context, bankid, eservice, run_tasks):
    page = site.page
    site.visit(f"/e-tjanster/{eservice.slug}/")
    log_in_with_bankid(site, context, bankid, "Logga in först", f"/e-tjanster/{eservice.slug}/")
    page.get_by_label("Ja, jag vill vara anonym").check()
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    page.get_by_label("Synpunkt").fill("Fler papperskorgar vid lekplatsen.")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    # No step about who one is: straight to the review.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Granska")
    with site.navigation():
        page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_text("Du skickade ärendet anonymt.")).to_be_visible()
    anonymous = Case.objects.get()
    assert anonymous.is_anonymous and anonymous.owner is None

    # Nothing was stored about the person: the extract says so.
    site.visit("/mina-sidor/uppgifter/")
    with site.navigation():
        page.get_by_role("button", name="Beställ registerutdrag").click()
    expect(page.get_by_text("Vi har inga sparade uppgifter om dig.")).to_be_visible()

    # A case sent with a name: now there is something to extract.
    person = Person(personnummer=PERSONNUMMER, given_name="A", surname="B", method="bankid")
    owned_case(
        eservice,
        person=person,
        answers={"text": "Min synpunkt", "kontakt": {"name": "A B", "email": "a@example.se"}},
    )
    with site.navigation():
        page.get_by_role("button", name="Beställ registerutdrag").click()
    expect(page.get_by_text("Ditt registerutdrag görs i ordning.")).to_be_visible()
    run_tasks()
    site.visit("/mina-sidor/uppgifter/")
    assert DataExtract.objects.get().state == "ready"
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
