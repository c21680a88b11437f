"""What the municipality writes and sets up itself, in the browser with axe:
the help page, operating messages, a closed e-service and its own look."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from etjanst.content.constants import Level, Scope
from etjanst.content.models import OperatingMessage, SiteSettings
from etjanst.eservices.models import EService

pytestmark = pytest.mark.browser


def _message(**fields) -> OperatingMessage:
    now = timezone.now()
    fields.setdefault("starts_at", now - dt.timedelta(minutes=5))
    fields.setdefault("ends_at", now + dt.timedelta(hours=2))
    return OperatingMessage.objects.create(**fields)


def test_help_page_from_the_footer_and_from_an_eservice(site, demo):
    page = site.page
    site.visit("/")
    with site.navigation():
        page.get_by_role("contentinfo").get_by_role(
            "link", name="Om e-tjänsterna", exact=True
        ).click()
    assert site.url_path() == "/information/om-e-tjansterna/"
    expect(page).to_have_title("Om e-tjänsterna – Exempelby kommun")
    expect(page.get_by_role("heading", level=1)).to_have_text("Om e-tjänsterna")
    for heading in (
        "Logga in med e-legitimation",
        "Spara eller skicka – det är skillnad",
        "Så vet du att ärendet är inskickat",
        "Mina sidor",
        "Att vara anonym",
        "Dina personuppgifter",
    ):
        expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    link = page.get_by_role("main").get_by_role("link", name="Så behandlar vi personuppgifter")
    with site.navigation():
        link.click()
    assert site.url_path() == "/personuppgifter/"

    eservice = EService.objects.published().order_by("slug").first()
    site.visit(f"/e-tjanster/{eservice.slug}/")
    with site.navigation():
        page.get_by_role("main").get_by_role("link", name="Om e-tjänsterna").click()
    assert site.url_path() == "/information/om-e-tjansterna/"

    with site.navigation():
        page.get_by_role("banner").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("About the e-services")
    expect(
        page.get_by_role("heading", name="Save or submit – there is a difference")
    ).to_be_visible()


def test_operating_messages_on_the_pages_they_concern(site, demo, settings):
    settings.ETJANST_EID_METHODS = ["bankid"]
    page = site.page
    eservice = EService.objects.published().order_by("slug").first()
    other = EService.objects.published().order_by("slug").last()
    _message(level=Level.DISRUPTION, text="Det går långsamt på hela webbplatsen.")
    _message(
        level=Level.WARNING,
        scope=Scope.ESERVICE,
        eservice=eservice,
        text="Svaren dröjer den här veckan.",
    )
    _message(scope=Scope.EID, eid_method="bankid", text="BankID byter certifikat i natt.")

    site.visit("/")
    banners = page.get_by_role("region", name="Driftmeddelanden")
    expect(banners).to_contain_text("Störning: Det går långsamt på hela webbplatsen.")
    expect(banners).not_to_contain_text("Svaren dröjer")
    expect(banners).not_to_contain_text("BankID byter")

    site.visit(f"/e-tjanster/{eservice.slug}/")
    expect(banners).to_contain_text("Varning: Svaren dröjer den här veckan.")
    expect(banners).to_contain_text("Det går långsamt")
    site.visit(f"/e-tjanster/{other.slug}/")
    expect(banners).not_to_contain_text("Svaren dröjer")

    site.visit("/logga-in/")
    expect(banners).to_contain_text("Information: BankID byter certifikat i natt.")

    with site.navigation():
        page.get_by_role("banner").get_by_role("button", name="English").click()
    english = page.get_by_role("region", name="Operating messages")
    expect(english).to_contain_text("Disruption:")
    # Not translated: the Swedish text, marked as Swedish for screen readers.
    expect(english.locator('[lang="sv"]').first).to_have_text(
        "Det går långsamt på hela webbplatsen."
    )


def test_a_closed_eservice_says_so_instead_of_starting(site, demo):
    page = site.page
    eservice = EService.objects.published().filter(login="none").order_by("slug").first()
    _message(
        level=Level.DISRUPTION,
        scope=Scope.ESERVICE,
        eservice=eservice,
        closes_eservice=True,
        text="Vi byter system och öppnar igen i eftermiddag.",
    )
    site.visit(f"/e-tjanster/{eservice.slug}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Du kan inte använda e-tjänsten just nu.")
    expect(main).to_contain_text("Vi räknar med att den öppnar igen")
    expect(main.get_by_role("button", name="Starta")).to_have_count(0)

    response = site.visit(f"/e-tjanster/{eservice.slug}/steg/1/")
    assert response.status == 503
    expect(page.get_by_role("heading", level=1)).to_have_text("E-tjänsten är stängd just nu")
    expect(main).to_contain_text("Vi byter system och öppnar igen i eftermiddag.")
    with site.navigation():
        main.get_by_role("link", name="Tillbaka till alla e-tjänster").click()
    assert site.url_path() == "/"


def test_the_municipalitys_own_look(site, demo):
    SiteSettings.objects.create(
        municipality_name="Norrby kommun",
        primary_colour="#2b3a55",
        text_on_primary="#fffbe6",
        footer_links="Kontakta kommunen | https://www.norrby.se/kontakt",
    )
    page = site.page
    site.visit("/")  # axe checks the contrast of the new colours too
    expect(page).to_have_title("E-tjänster – Norrby kommun")
    brand = page.get_by_role("banner").get_by_role("link").first
    expect(brand).to_contain_text("Norrby kommun")
    expect(brand).to_have_css("color", "rgb(255, 251, 230)")
    expect(page.get_by_role("banner")).to_have_css("background-color", "rgb(43, 58, 85)")
    expect(
        page.get_by_role("contentinfo").get_by_role("link", name="Kontakta kommunen")
    ).to_have_attribute("href", "https://www.norrby.se/kontakt")
