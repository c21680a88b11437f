"""The site's look and the municipality's details, set in admin: checked for
contrast when saved, with the installation's environment as the fallback."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from etjanst.content.contrast import contrast_ratio
from etjanst.content.models import SiteSettings

pytestmark = pytest.mark.django_db

CHANGE_URL = reverse("admin:content_sitesettings_change", args=[SiteSettings.SINGLETON_ID])


def text(response) -> str:
    return response.content.decode()


def form_data(**fields) -> dict:
    data = {
        "municipality_name": "",
        "primary_colour": "",
        "text_on_primary": "",
        "email": "",
        "phone": "",
        "website": "",
        "footer_links": "",
    }
    data.update(fields)
    return data


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "#1f5f8b").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def admin_page(admin_client):
    # The list goes straight to the one row.
    response = admin_client.get(reverse("admin:content_sitesettings_changelist"))
    assert response.status_code == 302 and response.url == CHANGE_URL
    return admin_client


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#fff", "#fff"), 1) == 1.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the classic just-AA grey


def test_a_colour_pair_with_too_low_contrast_is_refused(admin_page):
    response = admin_page.post(
        CHANGE_URL, form_data(primary_colour="#1f5f8b", text_on_primary="#4a7ea3")
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Kontrasten mellan textfärgen och huvudfärgen är" in text(response)
    assert "minst 4,5:1" in text(response)
    assert SiteSettings.objects.get().primary_colour == ""


def test_a_primary_colour_too_light_for_links_on_white_is_refused(admin_page):
    response = admin_page.post(
        CHANGE_URL, form_data(primary_colour="#ffd400", text_on_primary="#000000")
    )
    assert response.status_code == 200
    assert "Huvudfärgen har kontrasten" in text(response)
    assert SiteSettings.objects.get().primary_colour == ""


def test_a_text_colour_alone_is_checked_against_the_default_primary(admin_page):
    response = admin_page.post(CHANGE_URL, form_data(text_on_primary="#000000"))
    assert "Kontrasten mellan textfärgen och huvudfärgen är" in text(response)


def test_not_a_colour_is_refused(admin_page):
    for bad in ("red", "#12345g", "1f5f8b"):
        response = admin_page.post(CHANGE_URL, form_data(primary_colour=bad))
        assert "Ange färgen som en hexkod" in text(response)
    response = admin_page.post(CHANGE_URL, form_data(primary_colour="red;}body{x"))
    assert response.status_code == 200
    assert SiteSettings.objects.get().primary_colour == ""


def test_a_good_look_is_saved_and_used_at_once(admin_page, client):
    response = admin_page.post(
        CHANGE_URL,
        form_data(
            municipality_name="Norrby kommun",
            primary_colour="#2b3a55",
            text_on_primary="#fffbe6",
            email="e-tjanster@norrby.se",
            phone="0999-12 34 56",
            website="https://www.norrby.se",
            footer_links="Kontakta kommunen | https://www.norrby.se/kontakt\n",
        ),
    )
    assert response.status_code == 302, text(response)
    css = text(client.get("/tema.css"))
    assert "--primary: #2b3a55" in css and "--on-primary: #fffbe6" in css
    html = text(client.get("/"))
    assert "Norrby kommun" in html and "Exempelby kommun" not in html
    assert "e-tjanster@norrby.se" in html and "0999-12 34 56" in html
    assert '<a href="https://www.norrby.se/kontakt">Kontakta kommunen</a>' in html
    assert '<a href="https://www.norrby.se">www.norrby.se</a>' in html


def test_a_bad_footer_link_line_is_refused(admin_page):
    response = admin_page.post(CHANGE_URL, form_data(footer_links="Kontakt https://x.se"))
    assert "Rad 1 ska se ut så här: Länktext | https://adress" in text(response)


def test_without_site_settings_the_environment_decides(client, settings):
    settings.ETJANST_MUNICIPALITY = {
        **settings.ETJANST_MUNICIPALITY,
        "name": "Miljöby kommun",
        "primary_colour": "#123456",
    }
    assert "Miljöby kommun" in text(client.get("/"))
    assert "--primary: #123456" in text(client.get("/tema.css"))
    assert "--on-primary: #ffffff" in text(client.get("/tema.css"))
    assert client.get(reverse("content:logo")).status_code == 404


def test_an_uploaded_logo_is_validated_and_served(admin_page, client):
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = admin_page.post(CHANGE_URL, {**form_data(), "logo": fake})
    assert response.status_code == 200
    assert "Ladda upp en giltig bild" in text(response)
    assert not SiteSettings.objects.get().logo

    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = admin_page.post(CHANGE_URL, {**form_data(), "logo": logo})
    assert response.status_code == 302
    html = text(client.get("/"))
    assert f'src="{reverse("content:logo")}?v=' in html
    served = client.get(reverse("content:logo"))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == png_bytes()


def test_an_svg_logo_is_refused(admin_page):
    svg = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    response = admin_page.post(CHANGE_URL, {**form_data(), "logo": svg})
    assert response.status_code == 200
    assert not SiteSettings.objects.get().logo


def test_site_settings_cannot_be_added_twice_or_deleted(admin_page):
    assert admin_page.get(reverse("admin:content_sitesettings_add")).status_code == 403
    delete = reverse("admin:content_sitesettings_delete", args=[SiteSettings.SINGLETON_ID])
    assert admin_page.get(delete).status_code == 403
