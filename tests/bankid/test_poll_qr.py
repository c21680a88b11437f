"""The animated QR code drawn in the browser: each poll answer carries the
QR contents for this second and the next few, computed on the server from
the order's row (qrStartSecret never leaves the server), exactly as
`qr_content` computes them; the secret is blanked when the order ends."""

import json
import re
import time
from html import unescape

import pytest
from django.urls import reverse

from etjanst.eid.bankid_login import QR_AHEAD
from etjanst.eid.contrib.bankid.qr import qr_content
from etjanst.eid.models import BankIDOrder
from tests.bankid import test_collector
from tests.bankid.test_collector import PERSONNUMMER, collect_once, start

collector_runs = test_collector.collector_runs  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def qr_second(content: str) -> int:
    """qrTime of `bankid.<qrStartToken>.<qrTime>.<qrAuthCode>`."""
    return int(content.split(".")[2])


def test_a_poll_carries_the_qr_contents_for_this_second_and_the_next(client, collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    order = client.session["etjanst_bankid_order"]
    time.sleep(1.1)  # a second or more into the order
    before = int(time.time() - order["started_at"])
    answer = client.get(status_url).json()
    after = int(time.time() - order["started_at"])
    qr = answer["qr"]
    assert len(qr) == QR_AHEAD
    first = qr_second(qr[0])
    assert before <= first <= after and first >= 1
    token, secret = order["qr_start_token"], order["qr_start_secret"]
    assert qr == [qr_content(token, secret, first + i) for i in range(QR_AHEAD)]
    assert secret not in str(answer)


def test_the_poll_that_collects_itself_carries_them_too(client, bankid, settings):
    # No collector alive: the poll goes the usual way and collects its order.
    bankid.script(PERSONNUMMER, after_polls=5)
    status_url = start(client)
    order = client.session["etjanst_bankid_order"]
    BankIDOrder.objects.update(due_at=BankIDOrder.objects.get().created_at)  # overdue
    collects = bankid.orders[order["order_ref"]].polls
    answer = client.get(status_url).json()
    assert answer["status"] == "pending"
    assert bankid.orders[order["order_ref"]].polls == collects + 1
    first = qr_second(answer["qr"][0])
    assert answer["qr"][0] == qr_content(order["qr_start_token"], order["qr_start_secret"], first)


def test_a_same_device_order_has_no_qr_code(client, collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    client.post(reverse("portal:bankid_start"), {"device": "this", "next": "/"})
    row = BankIDOrder.objects.get()
    assert (row.qr_start_token, row.qr_start_secret, row.started_at) == ("", "", None)


def test_the_secret_is_kept_while_pending_and_blanked_when_the_order_ends(client, collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=1)
    status_url = start(client)
    order = client.session["etjanst_bankid_order"]
    row = BankIDOrder.objects.get()
    assert row.qr_start_secret == order["qr_start_secret"]
    assert row.started_at == pytest.approx(order["started_at"])
    collect_once()  # still pending
    assert BankIDOrder.objects.get().qr_start_secret == order["qr_start_secret"]
    time.sleep(2.1)  # BankID's pace
    collect_once()  # complete
    row = BankIDOrder.objects.get()
    assert row.status == "complete"
    assert (row.qr_start_token, row.qr_start_secret) == ("", "")
    assert "qr" not in client.get(status_url).json()


def test_the_waiting_page_brings_the_codes_of_its_first_seconds(client, collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    start(client)
    order = client.session["etjanst_bankid_order"]
    page = client.get(reverse("portal:bankid_wait")).content.decode()
    sent = json.loads(unescape(re.search(r'data-qr="([^"]*)"', page).group(1)))
    assert len(sent) == QR_AHEAD
    first = qr_second(sent[0])
    token, secret = order["qr_start_token"], order["qr_start_secret"]
    assert sent == [qr_content(token, secret, first + i) for i in range(QR_AHEAD)]
    assert secret not in page
    # …and the server still draws this second's code for a browser without JavaScript.
    assert '<svg role="img" aria-label="QR-kod för BankID"' in page
