"""The BankID simulator for the browser tests: the real RP API over mutual
TLS on a free port, and its simulated BankID app page that a second tab uses
as the resident's phone. The site keeps its real 2 s collect interval."""

import pytest
from django.core.cache import cache


@pytest.fixture
def bankid(settings, bankid_simulator):
    """settings.BANKID pointed at the simulator (the live server runs in this
    process, so it sees the same settings), with no orders or scripts left
    from another test and a fresh start rate limit."""
    settings.BANKID = bankid_simulator.client_settings()
    settings.ETJANST_EID_METHODS = ["bankid"]
    cache.clear()
    bankid_simulator.clear()
    saved = (bankid_simulator.start_failed_after, bankid_simulator.expire_after)
    yield bankid_simulator
    bankid_simulator.clear()
    bankid_simulator.start_failed_after, bankid_simulator.expire_after = saved
