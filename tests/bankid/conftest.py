import ssl

import httpx
import pytest

from etjanst.eid.contrib.bankid.client import BankIDClient


@pytest.fixture(autouse=True)
def _fresh_scripts(request):
    # Every test starts with an empty script queue and the default timeouts.
    if "bankid_simulator" not in request.fixturenames:
        yield
        return
    simulator = request.getfixturevalue("bankid_simulator")
    simulator.scripts.clear()
    saved = (simulator.start_failed_after, simulator.expire_after)
    yield
    simulator.scripts.clear()
    simulator.start_failed_after, simulator.expire_after = saved


@pytest.fixture
def bankid_client(bankid_simulator):
    certs = bankid_simulator.certs
    client = BankIDClient(
        base_url=bankid_simulator.api_url,
        client_cert=str(certs.client),
        client_key=str(certs.client_key),
        ca_cert=str(certs.ca),
        timeout=2.0,
    )
    yield client
    client.close()


@pytest.fixture
def raw_api(bankid_simulator):
    """A bare httpx client with the RP certificate, for what BankIDClient
    never sends (wrong methods, paths, content types)."""
    certs = bankid_simulator.certs
    context = ssl.create_default_context(cafile=str(certs.ca))
    context.load_cert_chain(certs.client, certs.client_key)
    with httpx.Client(verify=context, timeout=5) as client:
        yield client


@pytest.fixture
def bankid(settings, bankid_simulator, monkeypatch):
    """The platform's BankID settings pointed at the simulator, for tests that
    go through our pages. Collects are not throttled (tests need not wait)."""
    from django.core.cache import cache

    from etjanst.eid import bankid_login, bankid_orders

    settings.BANKID = bankid_simulator.client_settings(timeout=1.0)
    settings.ETJANST_EID_METHODS = ["bankid"]
    monkeypatch.setattr(bankid_login, "COLLECT_INTERVAL", 0)
    cache.clear()
    bankid_orders.forget_collector_check()
    return bankid_simulator
