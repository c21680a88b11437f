"""API clients and tokens as an administrator handles them: created with a
token shown once, rotated with an overlap, revoked."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from etjanst.integrations.actions import (
    DeliveryConflict,
    IntegrationError,
    confirm_delivery,
    create_client,
    revoke_client,
    rotate_token,
)
from etjanst.integrations.models import ApiClient, ApiToken, Delivery
from etjanst.integrations.tokens import find_token, hash_token
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.mypages import owned_case
from tests.staff_accounts import log_in_admin

pytestmark = pytest.mark.django_db


def test_a_token_is_found_only_by_itself():
    client, token = api_client()
    assert find_token(token).client == client
    prefix = token.split("_")[1]
    assert find_token(f"etj_{prefix}_{'A' * 43}") is None
    assert find_token("") is None
    assert find_token("Bearer " + token) is None
    stored = ApiToken.objects.get()
    assert stored.hash == hash_token(token) and token not in stored.hash


def test_rotation_keeps_the_old_token_for_the_overlap_only():
    client, old = api_client()
    new = rotate_token(client=client, overlap=timedelta(days=2))
    assert find_token(old) is not None and find_token(new) is not None
    with time_machine.travel(timezone.now() + timedelta(days=2, seconds=1)):
        assert find_token(old) is None
        assert find_token(new).client == client


def test_rotation_without_overlap_ends_the_old_token_now():
    client, old = api_client()
    new = rotate_token(client=client, overlap=timedelta(0))
    assert find_token(old) is None
    assert find_token(new) is not None


def test_a_revoked_client_has_no_valid_token_and_gets_no_new_one():
    client, token = api_client()
    revoke_client(client=client)
    assert find_token(token) is None
    with pytest.raises(IntegrationError):
        rotate_token(client=client)


def test_an_expired_token_is_refused():
    _client, token = api_client(token_expires_at=timezone.now() + timedelta(hours=1))
    assert find_token(token) is not None
    with time_machine.travel(timezone.now() + timedelta(hours=1, seconds=1)):
        assert find_token(token) is None


def test_an_unknown_permission_is_refused():
    with pytest.raises(IntegrationError):
        create_client(name="X", permissions=["everything"])
    assert not ApiClient.objects.exists()


def test_confirming_twice_with_the_same_id_is_a_no_op_and_another_id_a_conflict():
    eservice = EServiceFactory()
    case = owned_case(eservice)
    client, _token = api_client(eservices=[eservice])
    first, created = confirm_delivery(case=case, client=client, external_id="PL 1")
    again, created_again = confirm_delivery(case=case, client=client, external_id="PL 1")
    assert created and not created_again and first.pk == again.pk
    with pytest.raises(DeliveryConflict, match="PL 1"):
        confirm_delivery(case=case, client=client, external_id="PL 2")
    assert list(Delivery.objects.values_list("external_id", flat=True)) == ["PL 1"]
    other, _t = api_client("Arkivet", eservices=[eservice])
    assert confirm_delivery(case=case, client=other, external_id="A-9")[1]


@pytest.fixture
def admin_client(client):
    log_in_admin(client)  # password and one-time code, as /admin/ asks
    return client


def test_admin_creates_a_client_and_sees_its_token_once(admin_client):
    eservice = EServiceFactory()
    response = admin_client.post(
        "/admin/integrations/apiclient/add/",
        {
            "name": "Platina",
            "eservices": [eservice.pk],
            "permissions": ["read_cases", "deliveries"],
            "contact_email": "it@exempelby.se",
            "tokens-TOTAL_FORMS": "0",
            "tokens-INITIAL_FORMS": "0",
            "endpoints-TOTAL_FORMS": "0",
            "endpoints-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200, response.content[:2000]
    assert "no-store" in response["Cache-Control"]
    token = re.search(rb'value="(etj_[^"]+)"', response.content).group(1).decode()
    client = ApiClient.objects.get()
    assert find_token(token).client == client
    assert client.permissions == ["deliveries", "read_cases"]
    assert list(client.eservices.all()) == [eservice]
    page = admin_client.get(f"/admin/integrations/apiclient/{client.pk}/change/")
    assert token.encode() not in page.content
    assert client.tokens.get().prefix.encode() in page.content


def test_admin_rotates_and_revokes(admin_client):
    client, old = api_client()
    response = admin_client.post(
        "/admin/integrations/apiclient/",
        {"action": "rotate_with_overlap", "_selected_action": [client.pk]},
    )
    new = re.search(rb'value="(etj_[^"]+)"', response.content).group(1).decode()
    assert new != old and find_token(new) and find_token(old)
    admin_client.post(
        "/admin/integrations/apiclient/",
        {"action": "revoke", "_selected_action": [client.pk]},
    )
    assert find_token(new) is None and find_token(old) is None
