"""Validation as the resident meets it: the error summary gets focus, lists
every error as a link, and each link takes focus to its field."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def start_felanmalan(site) -> None:
    site.visit("/e-tjanster/felanmalan-gata-och-park/")
    with site.navigation():
        site.page.get_by_role("button", name="Starta").click()


def test_empty_step_shows_an_error_summary_that_leads_to_the_fields(site, demo):
    page = site.page
    page.set_viewport_size({"width": 360, "height": 640})  # a phone: not all fits
    start_felanmalan(site)
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Det finns fel i formuläret")
    expect(summary).to_be_focused()
    expect(page).to_have_title(
        "Fel: Vad är det för fel? – Felanmälan gata och park – Exempelby kommun"
    )
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)  # typ, beskrivning, plats: the rest is optional or hidden
    for link in links.all():
        expect(link).not_to_be_empty()
        target = link.get_attribute("href")
        assert target.startswith("#")
        expect(page.locator(target)).to_be_visible()

    # Each link moves focus to its field; the field says what is wrong.
    description = page.get_by_label("Beskriv felet")
    links.nth(1).click()
    expect(description).to_be_focused()
    expect(page.locator('label[for="id_q_beskrivning"]')).to_be_in_viewport()  # the question too
    expect(description).to_have_attribute("aria-invalid", "true")
    # The summary names the question, then says what is wrong, as the field does.
    question, message = links.nth(1).inner_text().split(": ", 1)
    assert question == "Beskriv felet"
    expect(description).to_have_accessible_description("Fel: " + message, ignore_case=False)
    links.nth(0).click()
    expect(page.get_by_label("Hål eller skada i vägen")).to_be_focused()
    expect(page.get_by_text("Vad vill du anmäla?", exact=True)).to_be_in_viewport()  # the legend
    links.nth(2).click()
    expect(page.get_by_label("Var finns felet?")).to_be_focused()
    expect(page.locator('label[for="id_q_plats"]')).to_be_in_viewport()
    site.scan()  # the page as it is after following the links

    # Put it right: the summary goes away and the next step opens.
    page.get_by_label("Klotter eller skadegörelse").check()
    description.fill("Klotter på bron.")
    page.get_by_label("Var finns felet?").fill("Ågatan")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_text("Steg 2 av 2")).to_be_visible()

    # A composite question links to the part that is wrong.
    page.get_by_label("Ja", exact=True).check()
    page.get_by_label("E-postadress").fill("inte en adress")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(2)  # name missing, e-mail malformed
    links.nth(0).click()
    expect(page.get_by_label("Namn", exact=True)).to_be_focused()
    links.nth(1).click()
    expect(page.get_by_label("E-postadress")).to_be_focused()
    expect(page.get_by_label("E-postadress")).to_have_value("inte en adress")
