"""The staff page of API clients with the keyboard only: an administrator
creates a client (the token shown once), adds a webhook address (the secret
shown once) and sends a failed delivery again. axe scans every page."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from etjanst.integrations.models import ApiClient, OutboxMessage, WebhookEndpoint
from etjanst.integrations.tokens import find_token
from tests.browser.test_keyboard import tab_to
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.integrations.test_webhooks import new_case
from tests.staff_accounts import log_in_admin

pytestmark = pytest.mark.browser


@pytest.fixture
def administrator(transactional_db, context, live_server):
    client = Client()
    user = log_in_admin(client)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return user


def test_create_a_client_and_a_subscription_and_resend_with_the_keyboard(site, administrator):
    page = site.page
    eservice = EServiceFactory(name="Bygglov", slug="bygglov")
    site.visit("/handlaggning/integrationer/")
    tab_to(page, page.get_by_role("link", name="Ny API-klient"))
    with site.navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Systemets namn"))
    page.keyboard.type("ByggR")
    tab_to(page, page.get_by_role("checkbox", name="Bygglov").first)
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("checkbox", name="Läsa ärenden, bilagor och händelser"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Skapa API-klienten"))
    with site.navigation():
        page.keyboard.press("Enter")
    token = page.get_by_label("API-nyckel").input_value()
    client = ApiClient.objects.get()
    assert find_token(token).client == client
    assert list(client.eservices.all()) == [eservice]

    tab_to(page, page.get_by_role("link", name="Tillbaka till ByggR"))
    with site.navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Adress (https)"))
    page.keyboard.type("https://byggr.exempelby.se/hook")
    tab_to(page, page.get_by_role("button", name="Lägg till adressen"))
    with site.navigation():
        page.keyboard.press("Enter")
    secret = page.get_by_label(re.compile("Hemlighet för signaturen")).input_value()
    assert WebhookEndpoint.objects.get().secret == secret

    new_case(eservice)
    OutboxMessage.objects.update(state=OutboxMessage.State.FAILED, attempts=12)
    message = OutboxMessage.objects.get()
    tab_to(page, page.get_by_role("link", name="Tillbaka till ByggR"))
    with site.navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name=f"Skicka igen {message.webhook_id}"))
    with site.navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text(f"{message.webhook_id} skickas igen nu.")).to_be_visible()
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.PENDING

    tab_to(page, page.get_by_role("link", name=re.compile("Avstämning")))
    with site.navigation():
        page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Visa sammanställning"))
    with site.navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("row", name=re.compile("Skickas 1"))).to_be_visible()


def test_the_list_shows_last_use_and_failures(site, administrator):
    _client, token = api_client("Platina")
    find_token(token)
    site.visit("/handlaggning/integrationer/")
    expect(page_row := site.page.get_by_role("row", name=re.compile("Platina"))).to_be_visible()
    assert "Aldrig" not in page_row.inner_text()
