"""Pages changed for issue 23, in Chromium with axe: the request form when
too many were sent (the text kept, the time to send again), the kind 429
page, and the staff purge page with each batch's registration numbers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone
from playwright.sync_api import expect

from etjanst.config.throttle import Throttled
from etjanst.retention.actions import purge_due
from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory, RetentionRuleFactory
from tests.staff_accounts import PASSWORD, current_code, staff_user

pytestmark = pytest.mark.browser
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def ask(site, text):
    page = site.page
    page.get_by_label("Vilken handling vill du ta del av?").fill(text)
    page.get_by_label("Läsa på plats i kommunhuset").check()
    with site.navigation():
        page.get_by_role("button", name="Skicka begäran").press("Enter")


def test_too_many_requests_keep_the_text_and_say_when(site, transactional_db, settings):
    CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    settings.ETJANST_RATE_DOCUMENT_REQUESTS = "1/h"
    site.visit("/diarium/begar-ut/")
    ask(site, "Protokoll från mars")
    expect(site.page.get_by_role("heading", level=1)).not_to_have_text("Begär ut allmän handling")
    site.visit("/diarium/begar-ut/")
    ask(site, "Protokoll från april")
    page = site.page
    expect(page.get_by_role("alert")).to_contain_text("tryck på Skicka igen efter klockan")
    expect(page.get_by_label("Vilken handling vill du ta del av?")).to_have_value(
        "Protokoll från april"
    )


def test_the_429_page_passes_axe(site, transactional_db):
    site.visit("/")  # the site's origin, for its style sheets
    request = RequestFactory().get("/e-tjanster/x/granska/")
    throttled = Throttled(retry_after=600, until=timezone.now())
    html = render_to_string(
        "errors/429.html", {"throttled": throttled, "back": "/e-tjanster/x/granska/"}, request
    )
    site.page.set_content(html)
    expect(site.page.get_by_role("heading", level=1)).to_have_text("Vänta en stund")
    site.scan()  # axe on the page as set


def test_the_purge_page_lists_each_batchs_numbers(site, transactional_db, time_machine):
    time_machine.move_to(datetime(2026, 1, 1, 10, tzinfo=STOCKHOLM), tick=True)
    committee = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    rule = RetentionRuleFactory(committee=committee, clock="submitted", period_months=1)
    eservice = EServiceFactory(committee=committee, retention_rule=rule, login="optional")
    cases = [owned_case(eservice) for _ in range(2)]
    time_machine.move_to(datetime(2026, 3, 1, 10, tzinfo=STOCKHOLM), tick=True)
    purge_due(by="test")
    registrar = staff_user("rut", role="registrar", committee=committee)
    page = site.page
    site.visit("/handlaggning/gallring/")
    page.get_by_label("Användarnamn").fill("rut")
    page.get_by_label("Lösenord").fill(PASSWORD)
    with site.navigation():
        page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Kod (sex siffror)").fill(current_code(registrar))
    with site.navigation():
        page.get_by_role("button", name="Logga in").click()
    summary = page.get_by_text("Visa 2 diarienummer")
    summary.focus()
    page.keyboard.press("Enter")  # a <details> opens with the keyboard
    for case in cases:
        expect(page.get_by_text(case.registration_number, exact=True)).to_be_visible()
    site.scan()
