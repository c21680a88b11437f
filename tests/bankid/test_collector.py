"""The browser's poll reads the order's last known state; collecting from
BankID happens at BankID's pace, by the collector (or an overdue poll), never
twice at once. Against the BankID simulator over mutual TLS."""

import re
import threading
import time
from html import unescape

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from etjanst.eid import bankid_login, bankid_orders
from etjanst.eid.models import BankIDOrder
from etjanst.eid.session import PERSON_KEY

pytestmark = pytest.mark.django_db(transaction=True)

PERSONNUMMER = "198105082393"  # Skatteverket's test number
STATUS_URL_RE = re.compile(r'data-status-url="([^"]+)"')


@pytest.fixture
def collector_runs(bankid):
    """As in production: a collector is alive (its heartbeat is fresh), so
    polls never collect themselves; the tests collect with --once."""
    bankid_orders.collector_beat("bankid:test")
    bankid_orders.forget_collector_check()
    return bankid


def start(client, *, next_url="/e-tjanster/x/") -> str:
    """Start a QR-code login; returns the waiting page's poll URL."""
    client.post(reverse("portal:bankid_start"), {"device": "other", "next": next_url})
    page = client.get(reverse("portal:bankid_wait")).content.decode()
    return unescape(STATUS_URL_RE.search(page).group(1))


def collect_once():
    call_command("collect_bankid", "--once", "--threads", "4")


def test_the_waiting_page_polls_by_key_and_a_pending_poll_reads_no_session(
    client, collector_runs, django_assert_num_queries
):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    assert "?k=" in status_url
    order_ref = client.session["etjanst_bankid_order"]["order_ref"]
    with django_assert_num_queries(1):  # the order's row; no session, no collect
        answer = client.get(status_url).json()
    assert answer["status"] == "pending"
    assert answer["message"] == "Starta BankID-appen."
    assert collector_runs.orders[order_ref].polls == 0


def test_the_collector_collects_and_the_session_that_started_the_order_finishes_it(
    client, collector_runs
):
    collector_runs.script(PERSONNUMMER, after_polls=1, name="Anna Testsson")
    status_url = start(client)
    order_ref = client.session["etjanst_bankid_order"]["order_ref"]
    BankIDOrder.objects.update(due_at=BankIDOrder.objects.get().created_at)  # due now
    collect_once()
    assert client.get(status_url).json()["status"] == "pending"
    BankIDOrder.objects.update(due_at=BankIDOrder.objects.get().created_at)
    collect_once()
    assert collector_runs.orders[order_ref].polls == 2
    # The poll by key says only "ended, go to the waiting page": a stranger
    # holding the key gets no further than that.
    stranger = Client()
    ended = stranger.get(status_url).json()
    assert ended == {
        "status": "complete",
        "message": "",
        "rfa": "",
        "next": reverse("portal:bankid_wait"),
    }
    assert stranger.get(ended["next"])["Location"] == reverse("portal:login")
    assert PERSON_KEY not in stranger.session
    # The resident's browser goes there and is logged in.
    response = client.get(ended["next"])
    assert response["Location"] == "/e-tjanster/x/"
    assert client.session[PERSON_KEY]["personnummer"] == PERSONNUMMER
    # The completion data (personal data) left the shared table with it.
    assert not BankIDOrder.objects.exists()


def test_a_failed_order_is_shown_on_the_waiting_page_after_a_poll_by_key(client, collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=0, fail_hint="userCancel")
    status_url = start(client)
    BankIDOrder.objects.update(due_at=BankIDOrder.objects.get().created_at)
    collect_once()
    assert client.get(status_url).json()["status"] == "failed"
    page = client.get(reverse("portal:bankid_wait")).content.decode()
    assert "Åtgärden avbröts." in page
    assert not BankIDOrder.objects.exists()


def test_no_order_is_collected_twice_at_once_by_two_collectors(settings, collector_runs):
    settings.ETJANST_BANKID_STARTS_PER_MINUTE = 1000  # every browser here is 127.0.0.1
    clients = [Client() for _ in range(20)]
    refs = []
    for browser in clients:
        collector_runs.script(PERSONNUMMER, after_polls=50)
        start(browser)
        refs.append(browser.session["etjanst_bankid_order"]["order_ref"])
    BankIDOrder.objects.update(due_at=BankIDOrder.objects.get(order_ref=refs[0]).created_at)
    errors = []

    def collector():
        try:
            bankid_orders.collect_due(bankid_login.client(), interval=2.0, lease=15.0, limit=500)
        except Exception as error:
            errors.append(error)

    racers = [threading.Thread(target=collector) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert not errors
    assert [collector_runs.orders[ref].polls for ref in refs] == [1] * 20
    # Collected just now: not due again for 2 seconds.
    collect_once()
    assert sum(collector_runs.orders[ref].polls for ref in refs) == 20


def test_a_dead_collectors_lease_runs_out_and_another_collects(collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=5)
    browser = Client()
    start(browser)
    order = BankIDOrder.objects.get()
    BankIDOrder.objects.update(due_at=order.created_at)
    # A collector leases the order and dies before it asks BankID.
    _token, leased = bankid_orders.claim_due(limit=10, lease=0.5)
    assert leased == [order.order_ref]
    assert bankid_orders.claim_due(limit=10, lease=0.5)[1] == []  # still leased
    time.sleep(0.6)
    collect_once()
    assert collector_runs.orders[order.order_ref].polls == 1


def test_while_a_collector_is_alive_polls_never_collect_even_when_overdue(collector_runs):
    browser = Client()
    status_url = start(browser)
    order_ref = browser.session["etjanst_bankid_order"]["order_ref"]
    BankIDOrder.objects.update(due_at=BankIDOrder.objects.get().created_at.replace(year=2020))
    assert browser.get(status_url).json()["status"] == "pending"
    assert collector_runs.orders[order_ref].polls == 0


def test_when_the_collector_dies_polls_take_over(settings, collector_runs):
    settings.ETJANST_WORKER_DEAD_AFTER = 0.5
    browser = Client()
    status_url = start(browser)
    order_ref = browser.session["etjanst_bankid_order"]["order_ref"]
    BankIDOrder.objects.update(due_at=BankIDOrder.objects.get().created_at)
    time.sleep(0.6)  # the collector's heartbeat stops
    bankid_orders.forget_collector_check()  # (a web process asks again every 5 s)
    browser.get(status_url)
    assert collector_runs.orders[order_ref].polls == 1


def test_a_poll_collects_itself_only_when_no_collector_has_for_a_while(settings, bankid):
    settings.ETJANST_BANKID_POLL_COLLECTS_AFTER = 0.5
    bankid.script(PERSONNUMMER, after_polls=1)
    browser = Client()
    status_url = start(browser)
    order_ref = browser.session["etjanst_bankid_order"]["order_ref"]
    assert browser.get(status_url).json()["status"] == "pending"
    assert bankid.orders[order_ref].polls == 0  # due, but not overdue yet
    time.sleep(0.6)
    browser.get(status_url)
    assert bankid.orders[order_ref].polls == 1
    time.sleep(0.6)
    ended = browser.get(status_url).json()
    assert bankid.orders[order_ref].polls == 2
    assert browser.get(ended["next"])["Location"] == "/e-tjanster/x/"
    assert PERSON_KEY in browser.session


def test_the_qr_code_still_changes_every_second_while_polls_read_the_row(client, collector_runs):
    start(client)
    first = client.get(reverse("portal:bankid_qr")).content
    time.sleep(1.1)
    assert client.get(reverse("portal:bankid_qr")).content != first


def test_cancelling_forgets_the_order_and_a_poll_by_key_then_finds_none(client, collector_runs):
    status_url = start(client)
    client.post(reverse("portal:bankid_cancel"))
    assert not BankIDOrder.objects.exists()
    assert client.get(status_url).json()["status"] == "none"


def test_the_collector_prunes_orders_older_than_any_bankid_order_lives(collector_runs):
    start(Client())
    BankIDOrder.objects.update(created_at=BankIDOrder.objects.get().created_at.replace(year=2020))
    collect_once()
    assert not BankIDOrder.objects.exists()


@pytest.mark.django_db
def test_the_collector_waits_for_missing_certificates_instead_of_dying(settings, tmp_path):
    """At the demo's start the BankID simulator may not have made its
    certificates yet: the collector must not crash (make demo stops then)."""
    from django.core.management import call_command

    from etjanst.eid import bankid_login

    settings.BANKID = {
        **settings.BANKID,
        "CLIENT_CERT": str(tmp_path / "missing.pem"),
        "CLIENT_KEY": str(tmp_path / "missing.key"),
        "CA_CERT": str(tmp_path / "missing-ca.pem"),
    }
    bankid_login._clients.clear()
    with pytest.raises(bankid_login.BankIDUnavailable):
        bankid_login.client()  # the configuration really is broken
    call_command("collect_bankid", "--once")  # returns, no exception
