"""The production BankID client against the simulator, over real HTTPS with
mutual TLS."""

import base64
import time

import httpx
import pytest

from etjanst.eid.contrib.bankid.client import BankIDClient, BankIDError, CollectResult
from etjanst.eid.contrib.bankid.qr import qr_content
from etjanst.simulators.bankid.certs import ensure_certificates
from etjanst.simulators.bankid.server import TEST_PERSONNUMMER, person_for

PNR = TEST_PERSONNUMMER[3]


def collect_until_done(client, order_ref, limit=10):
    seen = []
    for _ in range(limit):
        result = client.collect(order_ref)
        seen.append(result)
        if result.status != "pending":
            return seen
    raise AssertionError(f"still pending after {limit} polls: {seen}")


def test_auth_then_collect_is_outstanding(bankid_client, bankid_simulator):
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    assert abs(order.started_at - time.time()) < 5
    assert len({order.order_ref, order.auto_start_token, order.qr_start_token}) == 3
    result = bankid_client.collect(order.order_ref)
    assert result == CollectResult(order.order_ref, "pending", "outstandingTransaction", None)
    assert bankid_simulator.orders[order.order_ref].end_user_ip == "192.0.2.10"


def test_scripted_approval_goes_through_started_and_user_sign(bankid_client, bankid_simulator):
    bankid_simulator.script(PNR, after_polls=3)
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    seen = collect_until_done(bankid_client, order.order_ref)
    assert [(r.status, r.hint_code) for r in seen] == [
        ("pending", "outstandingTransaction"),
        ("pending", "started"),
        ("pending", "userSign"),
        ("complete", None),
    ]
    data = seen[-1].completion_data
    assert data["user"] == person_for(PNR)
    assert data["user"]["personalNumber"] == PNR
    assert data["device"]["ipAddress"] == "192.0.2.10"
    assert data["device"]["uhi"]
    assert data["stepUp"] == {"mrtd": False}
    assert data["bankIdIssueDate"][:2] == "20"
    signature = base64.b64decode(data["signature"]).decode()
    assert order.order_ref in signature and PNR in signature
    assert base64.b64decode(data["ocspResponse"])
    # A completed order can still be collected.
    assert bankid_client.collect(order.order_ref).status == "complete"


def test_sign_sends_user_visible_data_in_base64(bankid_client, bankid_simulator):
    bankid_simulator.script(PNR, after_polls=0)
    text = "Jag intygar att uppgifterna är riktiga.\n\n*Ansökan om bygglov*"
    order = bankid_client.sign(
        end_user_ip="192.0.2.10", user_visible_data=text, user_non_visible_data=b"\x00hash"
    )
    stored = bankid_simulator.orders[order.order_ref]
    encoded = base64.b64encode(text.encode()).decode()
    assert stored.kind == "sign"
    assert stored.user_visible_data == encoded
    assert base64.b64decode(stored.user_non_visible_data) == b"\x00hash"
    result = bankid_client.collect(order.order_ref)
    assert result.status == "complete"
    signature = base64.b64decode(result.completion_data["signature"]).decode()
    assert encoded in signature
    assert "Signing" in signature


@pytest.mark.parametrize("hint", ["userCancel", "expiredTransaction", "certificateErr"])
def test_scripted_failures(bankid_client, bankid_simulator, hint):
    bankid_simulator.script(PNR, after_polls=2, fail_hint=hint)
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    seen = collect_until_done(bankid_client, order.order_ref)
    assert [(r.status, r.hint_code) for r in seen] == [
        ("pending", "outstandingTransaction"),
        ("pending", "started"),
        ("failed", hint),
    ]
    assert seen[-1].completion_data is None


def test_start_failed_when_no_app_picks_it_up(bankid_client, bankid_simulator):
    bankid_simulator.start_failed_after = 0.3
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    assert bankid_client.collect(order.order_ref).hint_code == "outstandingTransaction"
    time.sleep(0.4)
    result = bankid_client.collect(order.order_ref)
    assert (result.status, result.hint_code) == ("failed", "startFailed")


def test_expired_when_not_finished_in_time(bankid_client, bankid_simulator):
    bankid_simulator.expire_after = 0.3
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    bankid_simulator.find_by_content(order.auto_start_token)
    assert bankid_client.collect(order.order_ref).hint_code == "started"
    time.sleep(0.4)
    result = bankid_client.collect(order.order_ref)
    assert (result.status, result.hint_code) == ("failed", "expiredTransaction")


def test_cancel_by_the_relying_party(bankid_client):
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    assert bankid_client.cancel(order.order_ref) is None
    result = bankid_client.collect(order.order_ref)
    assert (result.status, result.hint_code) == ("failed", "cancelled")


def test_finished_orders_are_forgotten_after_their_keep_time(bankid_client, bankid_simulator):
    bankid_simulator.script(PNR)
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    assert bankid_client.collect(order.order_ref).status == "complete"
    saved = bankid_simulator.keep_complete
    bankid_simulator.keep_complete = 0.0
    try:
        time.sleep(0.01)
        with pytest.raises(BankIDError) as error:
            bankid_client.collect(order.order_ref)
    finally:
        bankid_simulator.keep_complete = saved
    assert error.value.error_code == "invalidParameters"
    assert error.value.details == "No such order"


def test_already_in_progress_mapping(bankid_client, bankid_simulator):
    # The real alreadyInProgress (requirement.personalNumber) is covered in
    # test_simulator.py; this checks the client's mapping.
    bankid_simulator.script(error={"errorCode": "alreadyInProgress", "http": 400})
    with pytest.raises(BankIDError) as error:
        bankid_client.auth(end_user_ip="192.0.2.10")
    assert (error.value.error_code, error.value.http_status) == ("alreadyInProgress", 400)


def test_invalid_parameters_for_an_unknown_order(bankid_client):
    with pytest.raises(BankIDError) as error:
        bankid_client.collect("00000000-0000-4000-8000-000000000000")
    assert (error.value.error_code, error.value.http_status) == ("invalidParameters", 400)
    assert error.value.details == "No such order"


def test_invalid_parameters_for_a_bad_ip(bankid_client):
    with pytest.raises(BankIDError) as error:
        bankid_client.auth(end_user_ip="")
    assert error.value.error_code == "invalidParameters"


def test_not_found_method_not_allowed_and_media_type(bankid_client):
    # BankIDClient only ever POSTs JSON to the four paths; reach under it to
    # show the simulator's answers map to the right error codes.
    with pytest.raises(BankIDError) as error:
        bankid_client._request("POST", "phone/auth", {})
    assert (error.value.error_code, error.value.http_status) == ("notFound", 404)
    with pytest.raises(BankIDError) as error:
        bankid_client._request("GET", "collect", {})
    assert (error.value.error_code, error.value.http_status) == ("methodNotAllowed", 405)
    with pytest.raises(BankIDError) as error:
        bankid_client._request("POST", "collect", {}, content_type="text/plain")
    assert (error.value.error_code, error.value.http_status) == ("unsupportedMediaType", 415)


@pytest.mark.parametrize(
    "code,http",
    [
        ("invalidParameters", 400),
        ("unauthorized", 401),
        ("notFound", 404),
        ("methodNotAllowed", 405),
        ("requestTimeout", 408),
        ("unsupportedMediaType", 415),
        ("tooManyRequests", 429),
        ("internalError", 500),
    ],
)
def test_scripted_error_codes(bankid_client, bankid_simulator, code, http):
    bankid_simulator.script(error={"errorCode": code, "http": http})
    with pytest.raises(BankIDError) as error:
        bankid_client.auth(end_user_ip="192.0.2.10")
    assert (error.value.error_code, error.value.http_status) == (code, http)
    # The script was used up: the next order works.
    assert bankid_client.auth(end_user_ip="192.0.2.10").order_ref


def test_scripted_error_on_collect_after_polls(bankid_client, bankid_simulator):
    bankid_simulator.script(error={"errorCode": "internalError", "http": 500}, after_polls=1)
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    assert bankid_client.collect(order.order_ref).status == "pending"
    for call in (bankid_client.collect, bankid_client.cancel):
        with pytest.raises(BankIDError) as error:
            call(order.order_ref)
        assert (error.value.error_code, error.value.http_status) == ("internalError", 500)


def test_maintenance_is_retried_once(bankid_client, bankid_simulator):
    bankid_simulator.script(error={"errorCode": "Maintenance", "http": 503})
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    assert order.order_ref in bankid_simulator.orders


def test_maintenance_twice_is_raised(bankid_client, bankid_simulator):
    bankid_simulator.script(error={"errorCode": "Maintenance", "http": 503}, repeat=2)
    with pytest.raises(BankIDError) as error:
        bankid_client.auth(end_user_ip="192.0.2.10")
    assert (error.value.error_code, error.value.http_status) == ("Maintenance", 503)
    assert not bankid_simulator.scripts


def test_slow_server_is_a_request_timeout(bankid_simulator):
    certs = bankid_simulator.certs
    client = BankIDClient(
        base_url=bankid_simulator.api_url,
        client_cert=str(certs.client),
        client_key=str(certs.client_key),
        ca_cert=str(certs.ca),
        timeout=0.2,
    )
    bankid_simulator.script(delay=0.6)
    with pytest.raises(BankIDError) as error:
        client.auth(end_user_ip="192.0.2.10")
    client.close()
    assert error.value.error_code == "requestTimeout"


def test_client_without_certificate_is_unauthorized(bankid_simulator):
    client = BankIDClient(
        base_url=bankid_simulator.api_url,
        client_cert="",
        client_key="",
        ca_cert=str(bankid_simulator.certs.ca),
    )
    with pytest.raises(BankIDError) as error:
        client.auth(end_user_ip="192.0.2.10")
    client.close()
    assert error.value.error_code == "unauthorized"
    assert error.value.http_status is None


def test_client_with_another_ca_refuses_the_server(bankid_simulator, tmp_path):
    other = ensure_certificates(tmp_path / "other")
    certs = bankid_simulator.certs
    client = BankIDClient(
        base_url=bankid_simulator.api_url,
        client_cert=str(certs.client),
        client_key=str(certs.client_key),
        ca_cert=str(other.ca),
    )
    before = len(bankid_simulator.orders)
    with pytest.raises(BankIDError) as error:
        client.auth(end_user_ip="192.0.2.10")
    client.close()
    assert error.value.error_code == "internalError"
    assert "CERTIFICATE_VERIFY_FAILED" in error.value.details
    assert len(bankid_simulator.orders) == before


def test_client_certificate_from_another_ca_is_refused(bankid_simulator, tmp_path):
    other = ensure_certificates(tmp_path / "other")
    client = BankIDClient(
        base_url=bankid_simulator.api_url,
        client_cert=str(other.client),
        client_key=str(other.client_key),
        ca_cert=str(bankid_simulator.certs.ca),
    )
    with pytest.raises(BankIDError) as error:
        client.auth(end_user_ip="192.0.2.10")
    client.close()
    assert error.value.error_code == "unauthorized"


def test_from_settings(settings, bankid_simulator):
    certs = bankid_simulator.certs
    settings.BANKID = {
        "BASE_URL": bankid_simulator.api_url,
        "CLIENT_CERT": certs.client,
        "CLIENT_KEY": certs.client_key,
        "CA_CERT": certs.ca,
        "TIMEOUT": 3,
    }
    client = BankIDClient.from_settings()
    assert client.timeout == 3.0
    assert client.auth(end_user_ip="192.0.2.10").order_ref
    client.close()


def test_qr_content_from_the_client_is_accepted_by_the_app(bankid_client, bankid_simulator):
    order = bankid_client.auth(end_user_ip="192.0.2.10")
    seconds = int(time.time() - order.started_at)
    content = qr_content(order.qr_start_token, order.qr_start_secret, seconds)
    response = httpx.post(f"{bankid_simulator.app_url}/scan", data={"content": content})
    assert response.status_code == 200
    assert "Godkänn" in response.text
    assert bankid_client.collect(order.order_ref).hint_code == "started"
    response = httpx.post(
        f"{bankid_simulator.app_url}/approve",
        data={"orderRef": order.order_ref, "personalNumber": PNR},
    )
    assert response.status_code == 200
    result = bankid_client.collect(order.order_ref)
    assert result.status == "complete"
    assert result.completion_data["user"]["personalNumber"] == PNR
    assert result.completion_data["device"]["ipAddress"] == "127.0.0.1"
