"""ETJANST_BANKID_POLL_SNAPSHOT: a web process answers pending orders' polls
from one read of all of them, taken at most that often; an order started
since is read by itself, one that ended shows at most that much later."""

import time

import pytest
from django.test import Client

from etjanst.eid import bankid_orders
from tests.bankid import test_collector
from tests.bankid.test_collector import PERSONNUMMER, collect_once, start

collector_runs = test_collector.collector_runs  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def snapshot(settings):
    settings.ETJANST_BANKID_POLL_SNAPSHOT = 60.0
    bankid_orders.forget_snapshot()
    yield settings
    bankid_orders.forget_snapshot()


def test_many_polls_of_many_orders_read_the_database_once(
    collector_runs, snapshot, django_assert_num_queries
):
    collector_runs.script(PERSONNUMMER, after_polls=50, repeat=3)
    browsers = [Client() for _ in range(3)]
    urls = [start(browser) for browser in browsers]
    with django_assert_num_queries(1):  # the pending orders, once
        for _ in range(3):
            for browser, url in zip(browsers, urls, strict=True):
                answer = browser.get(url).json()
                assert answer["status"] == "pending"
                assert answer["message"] == "Starta BankID-appen."
                assert len(answer["qr"]) == 5


def test_an_order_started_after_the_snapshot_is_read_by_itself(
    client, collector_runs, snapshot, django_assert_num_queries
):
    collector_runs.script(PERSONNUMMER, after_polls=50, repeat=2)
    first = Client()
    first.get(start(first))  # the snapshot is taken
    url = start(client)
    with django_assert_num_queries(1):  # its own row
        assert client.get(url).json()["status"] == "pending"


def test_an_order_that_ended_is_seen_when_the_snapshot_is_renewed(client, collector_runs, snapshot):
    collector_runs.script(PERSONNUMMER, after_polls=1)
    url = start(client)
    snapshot.ETJANST_BANKID_POLL_SNAPSHOT = 3.0
    assert client.get(url).json()["status"] == "pending"  # the snapshot is taken
    taken = time.monotonic()
    collect_once()
    time.sleep(2.1)  # BankID's pace
    collect_once()  # complete at BankID
    assert client.get(url).json()["status"] == "pending"  # up to 3 s late…
    time.sleep(max(0.0, taken + 3.05 - time.monotonic()))
    answer = client.get(url).json()  # …then the usual way finishes it
    assert answer["status"] == "complete"
    assert "qr" not in answer
