"""The reconciliation report (Open Forms #4930): per receiving system and
period, every case with its registration number, sent time, state,
confirmation time and external id; as JSON and CSV from the API (only the
client's own cases) and from the staff page."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from etjanst.integrations.actions import confirm_delivery
from etjanst.integrations.models import OutboxMessage, WebhookEndpoint
from etjanst.integrations.webhooks import deliver_due
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.integrations.receiver import Receiver
from tests.mypages import owned_case
from tests.staff_accounts import log_in_admin

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
PERIOD = {"since": "2026-01-01T00:00:00+01:00", "until": "2026-02-01T00:00:00+01:00"}


@pytest.fixture
def cases(time_machine, settings):
    """Five cases of ByggR's e-service in January, one in February, one of
    another e-service: confirmed, sent, failed, pending and outstanding."""
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = True
    receiver = Receiver()
    eservice = EServiceFactory(slug="bygglov")
    other = EServiceFactory(slug="parkering")
    client, token = api_client("ByggR", eservices=[eservice])
    endpoint = WebhookEndpoint.objects.create(client=client, url=receiver.url)
    receiver.secret = endpoint.secret
    time_machine.move_to(datetime(2026, 1, 10, 12, tzinfo=STOCKHOLM))
    made = {name: owned_case(eservice) for name in ("confirmed", "sent", "failed", "pending")}
    deliver_due()
    OutboxMessage.objects.filter(case=made["failed"]).update(state="failed")
    OutboxMessage.objects.filter(case=made["pending"]).update(state="pending")
    WebhookEndpoint.objects.update(disabled_at=datetime.now(tz=STOCKHOLM))  # ByggR pulls now
    made["outstanding"] = owned_case(eservice)
    confirm_delivery(case=made["confirmed"], client=client, external_id="=BN 2026/1")
    made["foreign"] = owned_case(other)
    time_machine.move_to(datetime(2026, 2, 3, tzinfo=STOCKHOLM))
    made["february"] = owned_case(eservice)
    receiver.stop()
    return client, token, made


def get(token, path, **params):
    return Client().get(path, params, headers={"Authorization": f"Bearer {token}"})


def test_json_lists_every_case_of_the_period_with_its_state(cases):
    _client, token, made = cases
    response = get(token, "/api/v1/deliveries/report", **PERIOD)
    assert response.status_code == 200, response.content
    body = response.json()
    by_id = {item["case_id"]: item for item in body["items"]}
    assert body["system"] == "ByggR"
    assert set(by_id) == {
        made[n].pk for n in ("confirmed", "sent", "failed", "pending", "outstanding")
    }
    for name in ("confirmed", "sent", "failed", "pending", "outstanding"):
        assert by_id[made[name].pk]["state"] == name
        assert by_id[made[name].pk]["registration_number"] == made[name].registration_number
    confirmed = by_id[made["confirmed"].pk]
    assert confirmed["external_id"] == "=BN 2026/1" and confirmed["confirmed_at"]
    assert by_id[made["sent"].pk]["sent_at"] and not by_id[made["outstanding"].pk]["sent_at"]


def test_csv_has_a_header_and_no_formulas(cases):
    _client, token, made = cases
    response = get(token, "/api/v1/deliveries/report.csv", **PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 5
    confirmed = next(r for r in rows if r["case_id"] == str(made["confirmed"].pk))
    assert confirmed["external_id"] == "'=BN 2026/1"
    assert confirmed["state"] == "confirmed"


def test_the_report_needs_the_deliveries_permission_and_a_sane_period(cases):
    _client, token, _made = cases
    _other, reader = api_client("Läsaren", permissions=["read_cases"])
    assert get(reader, "/api/v1/deliveries/report", **PERIOD).status_code == 403
    assert get(None, "/api/v1/deliveries/report", **PERIOD).status_code == 401
    backwards = {"since": PERIOD["until"], "until": PERIOD["since"]}
    response = get(token, "/api/v1/deliveries/report", **backwards)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    long = {"since": "2024-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    assert get(token, "/api/v1/deliveries/report.csv", **long).status_code == 400


def test_staff_download_the_same_report(cases, client):
    api, _token, made = cases
    log_in_admin(client)
    page = client.get(
        f"/handlaggning/integrationer/{api.pk}/avstamning/",
        {"fran": "2026-01-01", "till": "2026-01-31"},
    )
    assert page.status_code == 200
    assert "Bekräftade" in page.content.decode()
    download = client.get(
        f"/handlaggning/integrationer/{api.pk}/avstamning/",
        {"fran": "2026-01-01", "till": "2026-01-31", "format": "csv"},
    )
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert {r["registration_number"] for r in rows} == {
        made[n].registration_number
        for n in ("confirmed", "sent", "failed", "pending", "outstanding")
    }
    as_json = client.get(
        f"/handlaggning/integrationer/{api.pk}/avstamning/",
        {"fran": "2026-02-01", "till": "2026-02-28", "format": "json"},
    ).json()
    assert [i["case_id"] for i in as_json["items"]] == [made["february"].pk]
    bad = client.get(
        f"/handlaggning/integrationer/{api.pk}/avstamning/", {"fran": "2026-02-01", "till": "x"}
    )
    assert bad.status_code == 400
