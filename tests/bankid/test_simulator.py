"""The simulator itself: the RP API's answers and the simulated app."""

import base64
import os
import re
import time

import httpx
import pytest

from etjanst.eid.contrib.bankid.qr import qr_content
from etjanst.simulators.bankid.server import TEST_PERSONNUMMER

PNR = TEST_PERSONNUMMER[5]


def test_private_keys_are_private(bankid_simulator):
    certs = bankid_simulator.certs
    for key in (certs.server_key, certs.client_key):
        assert os.stat(key).st_mode & 0o777 == 0o600
    assert "PRIVATE KEY" not in certs.ca.read_text()


def test_certificates_are_generated_only_once(bankid_simulator):
    from etjanst.simulators.bankid.certs import ensure_certificates

    before = bankid_simulator.certs.client.read_bytes()
    ensure_certificates(bankid_simulator.certs.folder)
    assert bankid_simulator.certs.client.read_bytes() == before


def test_method_path_and_media_type_errors(raw_api, bankid_simulator):
    url = bankid_simulator.api_url
    response = raw_api.get(f"{url}/auth")
    assert (response.status_code, response.json()["errorCode"]) == (405, "methodNotAllowed")
    response = raw_api.post(f"{url}/nothing", json={})
    assert (response.status_code, response.json()["errorCode"]) == (404, "notFound")
    response = raw_api.post(f"{url}/auth", content=b'{"endUserIp": "192.0.2.1"}')
    assert (response.status_code, response.json()["errorCode"]) == (415, "unsupportedMediaType")
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    "endpoint,body,details",
    [
        ("auth", {}, "Missing endUserIp"),
        (
            "auth",
            {"endUserIp": "192.0.2.1", "userVisibleData": "not base64!"},
            "Invalid userVisibleData",
        ),
        ("sign", {"endUserIp": "192.0.2.1"}, "Missing userVisibleData"),
        (
            "auth",
            {"endUserIp": "192.0.2.1", "requirement": {"personalNumber": "123"}},
            "Invalid personalNumber",
        ),
        ("collect", {"orderRef": "nope"}, "No such order"),
        ("cancel", {}, "No such order"),
    ],
)
def test_invalid_parameters(raw_api, bankid_simulator, endpoint, body, details):
    response = raw_api.post(f"{bankid_simulator.api_url}/{endpoint}", json=body)
    assert response.status_code == 400
    assert response.json() == {"errorCode": "invalidParameters", "details": details}


def test_invalid_json(raw_api, bankid_simulator):
    response = raw_api.post(
        f"{bankid_simulator.api_url}/auth",
        content=b"[1, 2",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errorCode"] == "invalidParameters"


def test_already_in_progress_aborts_both(raw_api, bankid_simulator):
    url = bankid_simulator.api_url
    body = {"endUserIp": "192.0.2.1", "requirement": {"personalNumber": PNR}}
    first = raw_api.post(f"{url}/auth", json=body)
    assert first.status_code == 200
    second = raw_api.post(f"{url}/auth", json=body)
    assert (second.status_code, second.json()["errorCode"]) == (400, "alreadyInProgress")
    collect = raw_api.post(f"{url}/collect", json={"orderRef": first.json()["orderRef"]})
    assert (collect.json()["status"], collect.json()["hintCode"]) == ("failed", "cancelled")
    # Once the old one is gone, a new order for the person can start.
    assert raw_api.post(f"{url}/auth", json=body).status_code == 200


def test_tls_handshake_fails_without_client_certificate(bankid_simulator):
    import ssl

    context = ssl.create_default_context(cafile=str(bankid_simulator.certs.ca))
    with pytest.raises(httpx.HTTPError) as error, httpx.Client(verify=context) as client:
        client.post(f"{bankid_simulator.api_url}/auth", json={"endUserIp": "192.0.2.1"})
    assert "CERTIFICATE_REQUIRED" in str(error.value).upper() or isinstance(
        error.value, httpx.ConnectError
    )


def start_order(raw_api, bankid_simulator, kind="auth", **extra):
    body = {"endUserIp": "192.0.2.1", **extra}
    response = raw_api.post(f"{bankid_simulator.api_url}/{kind}", json=body)
    assert response.status_code == 200
    return response.json()


def collect(raw_api, bankid_simulator, order_ref):
    return raw_api.post(f"{bankid_simulator.api_url}/collect", json={"orderRef": order_ref}).json()


def scan(bankid_simulator, content):
    return httpx.post(f"{bankid_simulator.app_url}/scan", data={"content": content})


def test_app_page_is_accessible_and_script_free(bankid_simulator):
    response = httpx.get(f"{bankid_simulator.app_url}/")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.text
    assert '<label for="content">' in response.text and 'id="content"' in response.text
    assert "<script" not in response.text and "style=" not in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert httpx.get(f"{bankid_simulator.app_url}/app.css").status_code == 200


def test_app_accepts_fresh_qr_content(raw_api, bankid_simulator):
    order = start_order(raw_api, bankid_simulator)
    content = qr_content(order["qrStartToken"], order["qrStartSecret"], 0)
    response = scan(bankid_simulator, content)
    assert response.status_code == 200
    assert "Välj BankID" in response.text
    assert re.search(r'name="personalNumber" value="\d{12}"', response.text)
    assert collect(raw_api, bankid_simulator, order["orderRef"])["hintCode"] == "started"


def test_app_refuses_tampered_qr_content(raw_api, bankid_simulator):
    order = start_order(raw_api, bankid_simulator)
    content = qr_content(order["qrStartToken"], order["qrStartSecret"], 0)
    tampered = content[:-1] + ("0" if content[-1] != "0" else "1")
    response = scan(bankid_simulator, tampered)
    assert response.status_code == 400
    assert "inte äkta" in response.text
    wrong_secret = qr_content(order["qrStartToken"], "another-secret", 0)
    assert scan(bankid_simulator, wrong_secret).status_code == 400
    assert collect(raw_api, bankid_simulator, order["orderRef"])["hintCode"] == (
        "outstandingTransaction"
    )


def test_app_refuses_stale_qr_content(raw_api, bankid_simulator):
    order = start_order(raw_api, bankid_simulator)
    # Correctly signed, but for a time far from the order's age.
    content = qr_content(order["qrStartToken"], order["qrStartSecret"], 60)
    response = scan(bankid_simulator, content)
    assert response.status_code == 400
    assert "för gammal" in response.text
    assert collect(raw_api, bankid_simulator, order["orderRef"])["hintCode"] == (
        "outstandingTransaction"
    )


def test_app_approves_with_autostart_link_and_shows_sign_text(raw_api, bankid_simulator):
    text = "Jag skriver under *ansökan*."
    order = start_order(
        raw_api,
        bankid_simulator,
        kind="sign",
        userVisibleData=base64.b64encode(text.encode()).decode(),
    )
    response = scan(
        bankid_simulator, f"bankid:///?autostarttoken={order['autoStartToken']}&redirect=null"
    )
    assert response.status_code == 200
    assert "Skriv under" in response.text and "ansökan" in response.text
    response = httpx.post(
        f"{bankid_simulator.app_url}/approve",
        data={"orderRef": order["orderRef"], "personalNumber": PNR},
    )
    assert response.status_code == 200
    result = collect(raw_api, bankid_simulator, order["orderRef"])
    assert result["status"] == "complete"
    assert result["completionData"]["user"]["personalNumber"] == PNR
    signature = base64.b64decode(result["completionData"]["signature"]).decode()
    assert base64.b64encode(text.encode()).decode() in signature


def test_user_sign_is_reported_before_completion(raw_api, bankid_simulator):
    bankid_simulator.user_sign_seconds = 60
    try:
        order = start_order(raw_api, bankid_simulator)
        scan(bankid_simulator, order["autoStartToken"])
        httpx.post(
            f"{bankid_simulator.app_url}/approve",
            data={"orderRef": order["orderRef"], "personalNumber": PNR},
        )
        assert collect(raw_api, bankid_simulator, order["orderRef"])["hintCode"] == "userSign"
        bankid_simulator.user_sign_seconds = 0
        assert collect(raw_api, bankid_simulator, order["orderRef"])["status"] == "complete"
    finally:
        bankid_simulator.user_sign_seconds = 0


def test_app_cancel_is_user_cancel(raw_api, bankid_simulator):
    order = start_order(raw_api, bankid_simulator)
    scan(bankid_simulator, order["autoStartToken"])
    response = httpx.post(
        f"{bankid_simulator.app_url}/cancel", data={"orderRef": order["orderRef"]}
    )
    assert response.status_code == 200
    result = collect(raw_api, bankid_simulator, order["orderRef"])
    assert (result["status"], result["hintCode"]) == ("failed", "userCancel")


def test_app_requires_a_started_order_to_approve(raw_api, bankid_simulator):
    order = start_order(raw_api, bankid_simulator)
    response = httpx.post(
        f"{bankid_simulator.app_url}/approve",
        data={"orderRef": order["orderRef"], "personalNumber": PNR},
    )
    assert response.status_code == 400
    assert collect(raw_api, bankid_simulator, order["orderRef"])["status"] == "pending"


def test_script_endpoint(raw_api, bankid_simulator):
    response = httpx.post(
        f"{bankid_simulator.app_url}/script",
        json={"personalNumber": PNR, "after_polls": 1, "name": "Tolvan Tolvansson"},
    )
    assert response.status_code == 200
    order = start_order(raw_api, bankid_simulator)
    assert collect(raw_api, bankid_simulator, order["orderRef"])["hintCode"] == "userSign"
    user = collect(raw_api, bankid_simulator, order["orderRef"])["completionData"]["user"]
    assert user == {
        "personalNumber": PNR,
        "name": "Tolvan Tolvansson",
        "givenName": "Tolvan",
        "surname": "Tolvansson",
    }
    assert httpx.post(f"{bankid_simulator.app_url}/script", content=b"[").status_code == 400


def test_scripted_delay(raw_api, bankid_simulator):
    bankid_simulator.script(delay=0.3)
    began = time.monotonic()
    start_order(raw_api, bankid_simulator)
    assert time.monotonic() - began >= 0.3
