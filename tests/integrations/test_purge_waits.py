"""Purging waits for every required receiver (Open Forms #4381): a case is
not purged until each API client the e-service requires has confirmed it,
by the API or (where the subscription says so) by a 2xx on its webhook. The
real `purge` command, the real API and a real webhook receiver."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client

from etjanst.cases.models import Case
from etjanst.integrations.actions import revoke_client
from etjanst.integrations.models import Delivery, WebhookEndpoint
from etjanst.integrations.webhooks import deliver_due
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.integrations.receiver import Receiver
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory, RetentionRuleFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def setup(time_machine):
    time_machine.move_to(datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    committee = CommitteeFactory(name="Byggnadsnämnden", prefix="BN")
    rule = RetentionRuleFactory(committee=committee, clock="submitted", period_months=1)
    eservice = EServiceFactory(committee=committee, retention_rule=rule, slug="bygglov")
    byggr, byggr_token = api_client("ByggR", eservices=[eservice], required_for=[eservice])
    arkiv, _ = api_client("E-arkivet", eservices=[eservice], required_for=[eservice])
    cases = [owned_case(eservice) for _ in range(3)]
    time_machine.move_to(datetime(2026, 3, 1, tzinfo=STOCKHOLM))
    return eservice, byggr, byggr_token, arkiv, cases


def purge(*args) -> str:
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def confirm(token, case, external_id):
    response = Client().put(
        f"/api/v1/cases/{case.pk}/delivery",
        {"external_id": external_id},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content


def purged(case) -> bool:
    return Case.objects.get(pk=case.pk).purged_at is not None


def test_nothing_is_purged_before_every_required_receiver_confirmed(setup):
    _eservice, _byggr, token, arkiv, (a, b, c) = setup
    assert "0 ärenden att gallra, 3 väntar på bekräftad leverans" in purge("--dry-run")
    assert purge().startswith("0 ärenden gallrade")
    confirm(token, a, "BN 2026/1")  # ByggR has a and b, the archive only a
    confirm(token, b, "BN 2026/2")
    Delivery.objects.create(case=a, client=arkiv, external_id="ark-1")
    assert purge().startswith("1 ärenden gallrade")
    assert purged(a) and not purged(b) and not purged(c)
    revoke_client(client=arkiv)  # the archive is gone: it holds nothing back
    assert purge().startswith("1 ärenden gallrade")
    assert purged(b) and not purged(c)


def test_the_purge_preview_says_which_cases_wait_and_for_whom(setup, client):
    eservice, _byggr, token, _arkiv, (a, b, _c) = setup
    confirm(token, a, "BN 2026/1")
    log_in_staff(client, staff_user("gun", committee=eservice.committee))
    page = client.get("/handlaggning/gallring/").content.decode()
    row_a = page[page.index(a.registration_number) :].split("</li>")[0]
    row_b = page[page.index(b.registration_number) :].split("</li>")[0]
    assert "E-arkivet har inte bekräftat leveransen" in row_a
    assert "ByggR" not in row_a
    assert "ByggR har inte bekräftat leveransen" in row_b


@pytest.mark.parametrize("counts", [True, False])
def test_a_2xx_counts_as_delivered_only_where_the_subscription_says_so(counts, settings):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = True
    eservice = EServiceFactory(slug="bygglov")
    client, token = api_client("ByggR", eservices=[eservice], required_for=[eservice])
    receiver = Receiver()
    try:
        endpoint = WebhookEndpoint.objects.create(
            client=client, url=receiver.url, delivered_on_2xx=counts
        )
        receiver.secret = endpoint.secret
        case = owned_case(eservice)
        assert deliver_due() == 1
        delivery = Delivery.objects.filter(case=case, client=client).first()
        if not counts:
            assert delivery is None
            return
        assert delivery.method == Delivery.Method.WEBHOOK
        assert delivery.external_id == receiver.handled()[0]["id"]
        # The system's own id replaces the webhook-id when it confirms later.
        confirm(token, case, "BN 2026/7")
        delivery.refresh_from_db()
        assert (delivery.method, delivery.external_id) == ("api", "BN 2026/7")
    finally:
        receiver.stop()
