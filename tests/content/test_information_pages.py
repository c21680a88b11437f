"""Information pages the municipality writes in admin: under /information/,
in the footer or the menu, linked from e-services, in Swedish and English."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from etjanst.content.constants import Placement
from etjanst.content.models import InformationPage
from etjanst.eservices.models import EService
from tests.content.factories import InformationPageFactory
from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_a_page_is_shown_under_its_swedish_address(client):
    InformationPageFactory(title="Så fungerar det", slug="sa-fungerar-det", body="## Steg\n\nEtt.")
    response = client.get("/information/sa-fungerar-det/")
    assert response.status_code == 200
    html = text(response)
    assert "<h1>Så fungerar det</h1>" in html
    assert "<h2>Steg</h2>" in html
    assert "<title>Så fungerar det – Exempelby kommun</title>" in html


def test_a_page_written_with_a_script_is_harmless_on_the_site(admin_client, client):
    response = admin_client.post(
        reverse("admin:content_informationpage_add"),
        {
            "title": "Hjälp",
            "slug": "hjalp",
            "body": '<script>alert(1)</script>\n\n[Klicka](javascript:alert(1))\n\n<b onclick="x">b</b>',
            "title_en": "",
            "body_en": "",
            "placement": Placement.FOOTER,
            "order": 0,
            "is_published": "on",
        },
    )
    assert response.status_code == 302, text(response)
    html = text(client.get("/information/hjalp/"))
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "<b onclick" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unpublished_or_unknown_page_is_not_found(client):
    InformationPageFactory(slug="utkast", is_published=False)
    assert client.get("/information/utkast/").status_code == 404
    assert client.get("/information/finns-inte/").status_code == 404


def test_pages_are_linked_from_the_footer_or_the_menu_in_order(client):
    InformationPageFactory(title="Andra", slug="andra", order=2)
    InformationPageFactory(title="Första", slug="forsta", order=1)
    InformationPageFactory(title="I menyn", slug="meny", placement=Placement.MENU)
    InformationPageFactory(title="Bara länkad", slug="lankad", placement=Placement.LINKED)
    InformationPageFactory(title="Opublicerad", slug="opublicerad", is_published=False)
    html = text(client.get("/"))
    footer = html[html.index("<footer") :]
    header = html[: html.index("</header>")]
    assert footer.index('href="/information/forsta/"') < footer.index('href="/information/andra/"')
    assert 'href="/information/meny/"' in header and "/information/meny/" not in footer
    assert 'aria-label="Meny"' in header
    assert "/information/lankad/" not in html
    assert "/information/opublicerad/" not in html


def test_no_menu_without_menu_pages(client):
    assert 'aria-label="Meny"' not in text(client.get("/"))


def test_the_intro_page_links_the_pages_of_its_eservice(client):
    eservice = EServiceFactory()
    linked = {"placement": Placement.LINKED}
    page = InformationPageFactory(title="Om bygglov", slug="om-bygglov", **linked)
    page.eservices.add(eservice)
    InformationPageFactory(title="Annan sida", slug="annan", **linked)
    hidden = InformationPageFactory(title="Dold sida", slug="dold", is_published=False, **linked)
    hidden.eservices.add(eservice)
    html = text(client.get(reverse("portal:intro", args=[eservice.slug])))
    assert "Läs mer" in html
    assert '<a href="/information/om-bygglov/">Om bygglov</a>' in html
    assert "Annan sida" not in html and "Dold sida" not in html
    other = EServiceFactory()
    assert "Läs mer" not in text(client.get(reverse("portal:intro", args=[other.slug])))


def test_english_version_with_swedish_as_fallback(client):
    InformationPageFactory(
        title="Om oss",
        title_en="About us",
        slug="om-oss",
        body="Svensk text.",
        body_en="English text.",
    )
    InformationPageFactory(title="Bara svenska", slug="bara-svenska", body="Bara svensk text.")
    client.cookies["django_language"] = "en"
    html = text(client.get("/information/om-oss/"))
    assert "<h1>About us</h1>" in html and "English text." in html
    assert '<div class="prose information-page">' in html
    html = text(client.get("/information/bara-svenska/"))
    assert "<h1>Bara svenska</h1>" in html
    assert '<div class="prose information-page" lang="sv">' in html  # read with Swedish voice


def test_the_demo_help_page_covers_what_residents_ask(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)  # idempotent
    page = InformationPage.objects.get(slug="om-e-tjansterna")
    assert InformationPage.objects.count() == 1
    assert set(page.eservices.all()) == set(EService.objects.all())
    html = text(client.get("/information/om-e-tjansterna/"))
    for part in (
        "<h1>Om e-tjänsterna</h1>",
        "BankID",
        "svenskt personnummer",
        "ramverk för e-legitimation",
        "Spara",
        "bara du kan\nse det",
        "allmän handling",
        "sekretess",
        "Ditt ärende är nu inskickat",
        "bekräftelse",
        "Mina ärenden",
        "vem hos kommunen som har öppnat",
        "90 dagar",
        "gallras",
        "anonym",
        'href="/personuppgifter/"',
    ):
        assert part in html, part
    client.cookies["django_language"] = "en"
    html = text(client.get("/information/om-e-tjansterna/"))
    assert "<h1>About the e-services</h1>" in html
    assert "Your case has been submitted" in html
    assert "public document" in html
