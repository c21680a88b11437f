"""A prefilled, locked answer in a real browser: the resident (logged in as
one of the Navet simulator's guardians) sees their name and address from the
register, read-only, and chooses among their children. axe scans every page."""

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from etjanst.eid.person import Person
from etjanst.eid.session import ACTIVITY_KEY, PERSON_KEY
from etjanst.simulators.bankid.server import person_for
from tests.prefill.conftest import GUARDIAN, navet, navet_simulator  # noqa: F401

pytestmark = pytest.mark.browser

SLUG = "ansokan-om-plats-i-fritidshem"


def log_in_as(site, personnummer: str) -> None:
    """Put the person in the browser's session, as an e-ID method does."""
    name = person_for(personnummer)
    store = SessionStore()
    store[PERSON_KEY] = Person(
        personnummer, name["givenName"], name["surname"], "bankid"
    ).as_session()
    store[ACTIVITY_KEY] = time.time()
    store.create()
    site.page.context.add_cookies(
        [{"name": "sessionid", "value": store.session_key, "url": site.base_url}]
    )


def test_the_register_fills_in_a_locked_name_and_address(site, demo, navet):  # noqa: F811
    page = site.page
    log_in_as(site, GUARDIAN)
    site.visit(f"/e-tjanster/{SLUG}/")
    with site.navigation():
        page.get_by_role("button", name="Starta").click()
    name = page.get_by_label("Ditt namn")
    expect(name).to_have_value("Olof Åberg")
    expect(name).not_to_be_editable()
    expect(page.get_by_label("Gatuadress").first).to_have_value("Granstigen 21")
    expect(page.get_by_label("Gatuadress").first).not_to_be_editable()
    expect(page.get_by_text("Hämtat från folkbokföringen.").first).to_be_visible()
    contact_name = page.get_by_label("Namn", exact=True)
    expect(contact_name).to_have_value("Olof Åberg")
    expect(contact_name).to_be_editable()

    name.focus()
    page.keyboard.type(" Annan")  # read-only: typing changes nothing
    expect(name).to_have_value("Olof Åberg")
    page.get_by_label("E-postadress").fill("olof@example.se")
    with site.navigation():
        page.get_by_role("button", name="Nästa").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnet")
    children = page.get_by_role("group", name="Vilket barn gäller ansökan?")
    expect(children.get_by_role("radio")).to_have_count(2)
    expect(page.get_by_label("Kerstin Åberg (20200330-XXXX)")).to_be_visible()
