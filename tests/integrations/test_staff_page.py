"""The staff page of API clients (/handlaggning/integrationer/): who may use
it, tokens and secrets shown once, rotation, revocation, subscriptions and
sending a failed webhook again after the retry limit."""

import re

import pytest
from django.contrib.auth.models import Permission as DjangoPermission

from etjanst.integrations.models import ApiClient, OutboxMessage, WebhookEndpoint
from etjanst.integrations.tokens import find_token
from etjanst.integrations.webhooks import deliver_due
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.integrations.receiver import Receiver
from tests.integrations.test_webhooks import new_case
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_admin, log_in_staff, staff_user

pytestmark = pytest.mark.django_db
BASE = "/handlaggning/integrationer/"


@pytest.fixture
def admin(client):
    log_in_admin(client)
    return client


def shown(response, prefix):
    match = re.search(rf'value="({prefix}_[^"]+)"'.encode(), response.content)
    return match.group(1).decode() if match else None


def test_only_administrators_and_holders_of_the_permission_see_it(client):
    officer = staff_user("kerstin", committee=CommitteeFactory())
    log_in_staff(client, officer)
    assert client.get(BASE).status_code == 403
    assert b"API-klienter" not in client.get("/handlaggning/").content
    officer.user_permissions.add(DjangoPermission.objects.get(codename="change_apiclient"))
    assert client.get(BASE).status_code == 200


def test_not_logged_in_goes_to_the_login(client):
    assert client.get(BASE)["Location"].startswith("/handlaggning/logga-in/")


def test_create_shows_the_token_once(admin):
    eservice = EServiceFactory(name="Bygglov")
    response = admin.post(
        BASE + "ny/",
        {
            "name": "ByggR",
            "eservices": [eservice.pk],
            "permissions": ["read_cases", "deliveries"],
            "required_for": [eservice.pk],
            "contact_email": "it@exempelby.se",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = shown(response, "etj")
    client = ApiClient.objects.get()
    assert find_token(token).client == client
    assert list(client.required_for.all()) == [eservice]
    page = admin.get(f"{BASE}{client.pk}/")
    assert token.encode() not in page.content
    listing = admin.get(BASE).content.decode()
    assert "ByggR" in listing and "Bygglov" in listing


def test_a_bad_form_says_why_and_creates_nothing(admin):
    api_client("ByggR")
    response = admin.post(BASE + "ny/", {"name": "byggr", "permissions": ["read_cases"]})
    assert response.status_code == 400
    assert "Det finns redan en API-klient med det namnet." in response.content.decode()
    assert ApiClient.objects.count() == 1


def test_rotate_with_overlap_then_revoke(admin):
    client, old = api_client()
    new = shown(admin.post(f"{BASE}{client.pk}/byt-nyckel/", {"overlap": "7"}), "etj")
    assert new != old and find_token(new) and find_token(old)
    newest = shown(admin.post(f"{BASE}{client.pk}/byt-nyckel/", {"overlap": "0"}), "etj")
    assert find_token(newest) and find_token(new) is None and find_token(old) is None
    assert admin.get(f"{BASE}{client.pk}/sparra/").status_code == 200
    admin.post(f"{BASE}{client.pk}/sparra/")
    assert find_token(newest) is None


def test_a_subscription_secret_is_shown_once_and_rotation_signs_with_both(admin, settings):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = True
    eservice = EServiceFactory(slug="bygglov")
    client, _ = api_client("ByggR", eservices=[eservice])
    receiver = Receiver()
    try:
        response = admin.post(
            f"{BASE}{client.pk}/webhooks/",
            {"url": receiver.url, "event_types": ["case.submitted"]},
        )
        old = shown(response, "whsec")
        endpoint = WebhookEndpoint.objects.get()
        assert endpoint.secret == old and endpoint.event_types == ["case.submitted"]
        assert old.encode() not in admin.get(f"{BASE}{client.pk}/").content
        new = shown(admin.post(f"{BASE}{client.pk}/webhooks/{endpoint.pk}/byt-hemlighet/"), "whsec")
        assert new != old
        receiver.secret = old  # a receiver that has not switched yet
        new_case(eservice)
        assert deliver_due() == 1
        receiver.secret = new  # and one that has
        new_case(eservice)
        assert deliver_due() == 1
        assert receiver.bad_signatures == 0 and len(receiver.handled()) == 2
    finally:
        receiver.stop()


def test_an_http_url_is_refused_unless_private_addresses_are_allowed(admin, settings):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = False
    settings.ETJANST_WEBHOOK_ALLOWED_NETWORKS = []
    client, _ = api_client("ByggR")
    response = admin.post(f"{BASE}{client.pk}/webhooks/", {"url": "http://example.org/hook"})
    assert response.status_code == 400
    assert "https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_failed_delivery_is_sent_again_after_the_retry_limit(admin, settings):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = True
    eservice = EServiceFactory(slug="bygglov")
    client, _ = api_client("ByggR", eservices=[eservice])
    receiver = Receiver()
    try:
        endpoint = WebhookEndpoint.objects.create(client=client, url=receiver.url)
        receiver.secret = endpoint.secret
        case = new_case(eservice)
        OutboxMessage.objects.update(state=OutboxMessage.State.FAILED, attempts=12)
        message = OutboxMessage.objects.get()
        page = admin.get(f"{BASE}{client.pk}/?visa=misslyckade").content.decode()
        assert message.webhook_id in page and case.registration_number in page
        other, _ = api_client("Platina")
        assert (
            admin.post(f"{BASE}{other.pk}/handelser/{message.pk}/skicka-igen/").status_code == 404
        )
        admin.post(f"{BASE}{client.pk}/handelser/{message.pk}/skicka-igen/")
        assert deliver_due() == 1
        message.refresh_from_db()
        assert message.state == OutboxMessage.State.DELIVERED
        assert [item["id"] for item in receiver.handled()] == [message.webhook_id]
    finally:
        receiver.stop()


def test_resend_all_failed(admin):
    eservice = EServiceFactory(slug="bygglov")
    client, _ = api_client("ByggR", eservices=[eservice])
    WebhookEndpoint.objects.create(client=client, url="https://byggr.example/hook")
    new_case(eservice)
    new_case(eservice)
    OutboxMessage.objects.update(state=OutboxMessage.State.FAILED)
    admin.post(f"{BASE}{client.pk}/skicka-igen/")
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"pending"}
