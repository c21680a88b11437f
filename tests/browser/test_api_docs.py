"""The API's documentation page in Chromium: Swagger UI from our own static
files under the site's strict CSP, nothing fetched from outside, axe clean,
and an operation opens from the keyboard."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_load_nothing_from_outside_and_pass_axe(site, live_server, transactional_db):
    requested = []
    site.page.on("request", lambda request: requested.append(request.url))
    site.page.goto("/api/v1/docs/")
    expect(site.page.locator(".opblock").first).to_be_visible()
    site.scan()
    # Every operation of the schema is drawn.
    schema = site.page.request.get(f"{live_server.url}/api/v1/schema/").json()
    operations = sum(len(methods) for methods in schema["paths"].values())
    assert operations >= 11
    assert site.page.locator(".opblock").count() == operations
    outside = [url for url in requested if not url.startswith(live_server.url)]
    assert outside == []
    summary = site.page.locator(".opblock-summary-control").first
    summary.focus()
    site.page.keyboard.press("Enter")
    expect(site.page.locator(".opblock.is-open")).to_have_count(1)
    site.scan()
