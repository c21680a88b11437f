"""The catalogue, intro pages and the pages every site needs."""

import pytest
from django.test import Client
from django.urls import reverse

from etjanst.eservices.models import EService
from tests.eservices.factories import CategoryFactory, EServiceFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_catalogue_groups_by_category_and_hides_what_is_not_published(client):
    streets = CategoryFactory(name="Gator", order=1)
    schools = CategoryFactory(name="Skola", order=2)
    EServiceFactory(name="Felanmälan", category=streets)
    EServiceFactory(name="Skolskjuts", category=schools, short_description="Resor till skolan")
    EServiceFactory(name="Gammal", category=streets, is_active=False)
    EServiceFactory(name="Utkast", category=streets, form=False)  # no published version
    html = text(client.get("/"))
    assert (
        html.index("Gator")
        < html.index("Felanmälan")
        < html.index("Skola")
        < html.index("Skolskjuts")
    )
    assert "Gammal" not in html
    assert "Utkast" not in html


def test_catalogue_search(client):
    EServiceFactory(name="Felanmälan gata", short_description="Hål i vägen")
    EServiceFactory(name="Skolskjuts", short_description="Resor till skolan")
    html = text(client.get("/", {"q": "vägen"}))
    assert "Felanmälan gata" in html and "Skolskjuts" not in html
    assert "1 e-tjänst matchar" in html
    html = text(client.get("/", {"q": "finns inte alls"}))
    assert "Prova ett annat sökord" in html
    assert client.get("/", {"q": "x" * 5000}).status_code == 200


def test_empty_catalogue_says_so(client):
    assert "Det finns inga e-tjänster att visa just nu" in text(client.get("/"))


def test_intro_page_puts_what_you_need_and_starta_before_the_long_texts(client):
    # Issue 23, item 7: Starta was below the whole personal-data text.
    eservice = EServiceFactory(
        what_you_need="Ett foto\nAdressen",
        personal_data_text="Tekniska nämnden är personuppgiftsansvarig.",
    )
    html = text(client.get(reverse("portal:intro", args=[eservice.slug])))
    assert "Det här behöver du" in html and "<li>Ett foto</li>" in html
    assert html.index("Det här behöver du") < html.index("Starta</button>")
    assert html.index("Starta</button>") < html.index("Så behandlar vi dina personuppgifter")
    # The summary first, the long text folded.
    folded = html[html.index("<details") : html.index("</details>")]
    assert "Tekniska nämnden är personuppgiftsansvarig." in folded
    assert html.index("Personuppgiftsansvarig</dt>") < html.index("<details")
    assert "allmän handling" in html


def test_intro_offers_to_continue_a_started_form(client):
    eservice = EServiceFactory()
    client.post(reverse("portal:start", args=[eservice.slug]))
    html = text(client.get(reverse("portal:intro", args=[eservice.slug])))
    assert "Fortsätt där du var" in html and "Börja om" in html


def test_accessibility_statement_has_every_part_the_law_asks_for(client):
    html = text(client.get("/tillganglighet/"))
    for part in [
        "Exempelby kommun",  # organisation
        "delvis förenlig",  # compliance status
        "Innehåll som inte är tillgängligt",  # known gaps, with reasons
        "Hur vi testat webbplatsen",  # assessment method
        "uppdaterades senast",  # last update
        "Rapportera brister",  # feedback route
        "https://www.digg.se/tdosanmalan",  # DIGG's complaint form
    ]:
        assert part in html, part


def test_every_page_links_the_accessibility_statement_and_personal_data(client):
    eservice = EServiceFactory()
    for url in ["/", reverse("portal:intro", args=[eservice.slug]), "/finns-inte/"]:
        html = text(client.get(url))
        assert 'href="/tillganglighet/"' in html, url
        assert 'href="/personuppgifter/"' in html, url


def test_personal_data_page_gathers_every_eservice(client):
    EServiceFactory(name="Skolskjuts", personal_data_text="Barn- och utbildningsnämnden ansvarar.")
    html = text(client.get("/personuppgifter/"))
    assert "Skolskjuts" in html and "Barn- och utbildningsnämnden ansvarar." in html


def test_404_is_swedish(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in text(response)


def test_500_is_swedish_and_has_no_details(settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("hemlig detalj")

    import etjanst.config.urls as root

    settings.ROOT_URLCONF = type(
        "Urls",
        (),
        {"urlpatterns": [path("boom/", boom), *root.urlpatterns], "handler500": root.handler500},
    )
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Något gick fel hos oss" in text(response)
    assert "hemlig detalj" not in text(response)


def test_theme_colour_comes_from_settings_and_is_sanitised(client, settings):
    settings.ETJANST_MUNICIPALITY = {**settings.ETJANST_MUNICIPALITY, "primary_colour": "#123456"}
    assert "--primary: #123456" in text(client.get("/tema.css"))
    settings.ETJANST_MUNICIPALITY = {
        **settings.ETJANST_MUNICIPALITY,
        "primary_colour": "red;}body{x",
    }
    assert "red" not in text(client.get("/tema.css"))


def test_health_page(client):
    assert client.get("/halsa/").content == b"ok"
    assert EService.objects.count() == 0


def test_swedish_is_the_default_whatever_the_browser_prefers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="sv">' in text(response)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in text(client.get("/", HTTP_ACCEPT_LANGUAGE="sv"))
