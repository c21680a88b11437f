"""The statistics pages in Chromium with axe: an e-service administrator
opens the statistics from the staff menu, changes the period with the
keyboard, reads the charts' text alternatives and downloads a CSV."""

import os
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.eservices.factories import EServiceFactory
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user
from tests.statistics.factories import record_days

pytestmark = pytest.mark.browser
SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR", "")


@pytest.fixture
def administrator(transactional_db, context, live_server):
    committee = CommitteeFactory(prefix="SN", name="Socialnämnden")
    eservice = EServiceFactory(committee=committee, name="Ansök om färdtjänst")
    record_days(eservice, days=40)
    user = staff_user("frida", role="eservice_manager", committee=committee)
    client = Client()
    log_in_staff(client, user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return eservice


def test_statistics_pages_pass_axe_and_work_with_the_keyboard(site, administrator):
    page = site.page
    site.visit("/handlaggning/e-tjanster/")
    with site.navigation():
        page.get_by_role("link", name="Statistik", exact=True).click()
    with site.navigation():
        page.get_by_role("link", name="Socialnämnden").click()
    with site.navigation():
        page.get_by_role("link", name="All statistik").click()
    with site.navigation():
        page.get_by_role("link", name="Ansök om färdtjänst").click()
    chart = page.get_by_role("img", name="Påbörjade och skickade över tid")
    expect(chart).to_be_visible()
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / "statistics.png"), full_page=True)
    page.get_by_label("Visa per").select_option("vecka")
    page.get_by_role("button", name="Visa", exact=True).focus()
    with site.navigation():
        page.keyboard.press("Enter")
    assert "per=vecka" in page.url
    expect(page.get_by_role("row", name="v.").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner ”Var slutar de? Steg för steg” som CSV").click()
    assert download.value.suggested_filename.startswith("tratt-")
    # A bad period: the error summary names the field, and nothing breaks.
    page.get_by_label("Från och med").fill("2026-12-31")
    page.get_by_label("Till och med").fill("2026-01-01")
    with site.navigation():
        page.get_by_role("button", name="Visa", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Slutdatumet får inte vara före startdatumet."
    )


def test_the_survey_on_the_receipt_is_answered_with_the_keyboard(site, transactional_db):
    from etjanst.statistics.actions import set_options
    from etjanst.statistics.models import DailyCount, SurveyComment

    eservice = EServiceFactory(name="Felanmälan")
    set_options(eservice=eservice, survey=True, open_data=False)
    page = site.page
    site.visit(f"/e-tjanster/{eservice.slug}/")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    page.get_by_label("Rubrik").fill("Trasig lampa")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    with site.navigation():
        page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("heading", name="Vad tyckte du om e-tjänsten?")).to_be_visible()
    page.get_by_label("4").check()
    page.get_by_label("Vill du berätta mer? (frivilligt)").fill("Enkelt.")
    page.get_by_role("button", name="Skicka svaret").focus()
    with site.navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Tack för att du svarade!")).to_be_visible()
    expect(page.get_by_role("heading", name="Vad tyckte du om e-tjänsten?")).to_have_count(0)
    assert DailyCount.objects.get(metric="rating").key == "4"
    assert SurveyComment.objects.get().text == "Enkelt."
