"""The pages residents see when a part of the platform is down, checked in
the browser with axe-core."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from etjanst.operations.unavailable import unavailable_response
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.operations.conftest import free_port

pytestmark = pytest.mark.browser

FORM = {
    "steps": [
        {
            "id": "filer",
            "title": "Filer",
            "questions": [
                {
                    "id": "bilaga",
                    "type": "file",
                    "label": "Bilaga",
                    "validation": {"file_types": ["png"], "max_files": 1, "max_size_mb": 1},
                }
            ],
        }
    ]
}


def test_an_upload_while_the_file_store_is_down_gets_a_kind_page(site, settings, transactional_db):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "etjanst",
                "endpoint_url": f"http://127.0.0.1:{free_port()}",  # nothing listens
                "access_key": "testing",
                "secret_key": "testing",
                "region_name": "eu-north-1",
            },
        },
    }
    eservice = EServiceFactory(form=FORM)
    page = site.page
    site.visit(reverse("portal:intro", args=[eservice.slug]))
    with site.navigation():
        page.get_by_role("button", name="Starta").first.click()
    page.get_by_label("Bilaga").set_input_files(
        {"name": "bild.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Det gick inte att spara just nu")
    expect(page.get_by_text("Dina svar finns kvar")).to_be_visible()
    # "Försök igen" leads back to the step, with the form.
    with site.navigation():
        page.get_by_role("link", name="Försök igen").click()
    expect(page.get_by_label("Bilaga")).to_be_visible()


def test_the_database_down_page_is_accessible(site, page, live_server):
    """The page the handler answers with no database (served here as the
    handler renders it, since the live server's database cannot be stopped)."""
    html = unavailable_response().content
    page.route(
        "**/databasen-nere/",
        lambda route: route.fulfill(status=503, body=html, content_type="text/html"),
    )
    site.visit("/databasen-nere/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "E-tjänsterna är inte tillgängliga just nu"
    )
    expect(page.locator("html")).to_have_attribute("lang", "sv")
