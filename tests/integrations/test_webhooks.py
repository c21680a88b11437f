"""Webhooks from the transactional outbox, against a real HTTP receiver that
checks every signature with the standardwebhooks library."""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from etjanst.cases.actions import transition_case
from etjanst.cases.models import Status
from etjanst.integrations.models import OutboxMessage, WebhookEndpoint
from etjanst.integrations.webhooks import RETRY_DELAYS, RefusedAddress, check_address, deliver_due
from etjanst.submissions.actions import submit_form
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.integrations.receiver import Receiver
from tests.staff_accounts import log_in_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = True
    r = Receiver()
    yield r
    r.stop()


@pytest.fixture
def setup(receiver):
    eservice = EServiceFactory(slug="bygglov")
    client, _token = api_client("ByggR", eservices=[eservice])
    endpoint = WebhookEndpoint.objects.create(client=client, url=receiver.url)
    receiver.secret = endpoint.secret
    return eservice, endpoint


def new_case(eservice):
    return submit_form(
        version=eservice.current_version,
        answers={"rubrik": "Altan"},
        upload_owner="",
        submission_key=uuid.uuid4(),
    )


def later(seconds):
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


def test_a_new_case_is_delivered_signed_as_a_thin_cloudevent(setup, receiver):
    eservice, _endpoint = setup
    case = new_case(eservice)
    assert deliver_due() == 1
    [item] = receiver.handled()
    assert receiver.bad_signatures == 0
    event = item["body"]
    assert event["specversion"] == "1.0"
    assert event["type"] == "se.etjanst.case.submitted"
    assert event["data"]["registration_number"] == case.registration_number
    assert event["data"]["links"]["case"].endswith(f"/api/v1/cases/{case.pk}")
    assert "answers" not in str(event) and "Altan" not in str(event)
    assert OutboxMessage.objects.get().state == "delivered"


def test_the_outbox_row_is_written_with_the_change_or_not_at_all(setup):
    eservice, _endpoint = setup
    case = new_case(eservice)
    before = OutboxMessage.objects.count()
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        transition_case(case=case, to=Status.objects.get(eservice=None, code="handlaggs"))
        assert OutboxMessage.objects.count() == before + 1
        1 / 0  # noqa: B018
    assert OutboxMessage.objects.count() == before


def test_a_failing_receiver_gets_it_later_with_backoff_and_retry_after(setup, receiver):
    eservice, _endpoint = setup
    receiver.answers = [(500, {}), (429, {"Retry-After": "120"})]
    new_case(eservice)
    assert deliver_due() == 0
    message = OutboxMessage.objects.get()
    assert message.attempts == 1 and message.last_status == 500
    assert message.next_attempt_at > timezone.now() + RETRY_DELAYS[0] - timedelta(seconds=2)
    assert deliver_due() == 0  # not due yet
    with later(RETRY_DELAYS[0].total_seconds() + 1):
        assert deliver_due() == 0  # 429: wait as long as Retry-After says
        message.refresh_from_db()
        assert message.next_attempt_at >= timezone.now() + timedelta(seconds=115)
    with later(RETRY_DELAYS[0].total_seconds() + 125):
        assert deliver_due() == 1
    assert len(receiver.handled()) == 1
    assert list(message.tries.values_list("status_code", flat=True)) == [500, 429, 204]


def test_410_disables_the_endpoint(setup, receiver):
    eservice, endpoint = setup
    receiver.answers = [(410, {})]
    new_case(eservice)
    deliver_due()
    endpoint.refresh_from_db()
    assert endpoint.disabled_at is not None
    case = new_case(eservice)  # no new messages for a disabled endpoint
    assert not OutboxMessage.objects.filter(case=case).exists()


def test_events_of_a_case_arrive_in_order_and_once(setup, receiver):
    eservice, _endpoint = setup
    receiver.answers = [(503, {})]
    case = new_case(eservice)
    transition_case(case=case, to=Status.objects.get(eservice=None, code="handlaggs"))
    # The first is refused: the second must wait for it, not overtake it.
    assert deliver_due() == 0
    assert receiver.handled() == []
    with later(10):
        assert deliver_due() == 2
    types = [item["body"]["type"] for item in receiver.handled()]
    assert types == ["se.etjanst.case.submitted", "se.etjanst.case.status_changed"]


def test_a_worker_killed_mid_delivery_only_delays_the_message(setup, receiver):
    from etjanst.integrations.webhooks import _claim

    eservice, _endpoint = setup
    new_case(eservice)
    [claimed] = _claim(timezone.now(), 10)  # claimed, then the worker dies
    assert deliver_due() == 0  # leased: no one else sends it meanwhile
    with later(61):
        assert deliver_due() == 1
    assert [i["id"] for i in receiver.handled()] == [f"msg_{claimed.pk}"]


def test_no_webhooks_to_private_addresses_unless_allowed(settings):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = False
    for url in (
        "http://example.org/hook",
        "https://127.0.0.1/hook",
        "https://10.1.2.3/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
    ):
        with pytest.raises(RefusedAddress):
            check_address(url)


def test_staff_resend_a_failed_message_from_admin(setup, receiver, client):
    from django.core.management import call_command

    eservice, _endpoint = setup
    receiver.answers = [(500, {})]
    new_case(eservice)
    call_command("deliver_webhooks")
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(state="failed")
    log_in_admin(client)  # password and one-time code, as /admin/ asks
    page = client.get("/admin/integrations/outboxmessage/?state__exact=failed")
    assert f"msg_{message.pk}".encode() in page.content
    client.post(
        "/admin/integrations/outboxmessage/",
        {"action": "resend", "_selected_action": [message.pk]},
    )
    call_command("deliver_webhooks")
    message.refresh_from_db()
    assert message.state == "delivered"
    assert len(receiver.handled()) == 1


def test_a_purge_is_told_too(setup, receiver):
    from etjanst.retention.actions import _tombstone

    eservice, _endpoint = setup
    case = new_case(eservice)
    with transaction.atomic():
        _tombstone([case.pk])
    deliver_due()
    types = [item["body"]["type"] for item in receiver.handled()]
    assert types == ["se.etjanst.case.submitted", "se.etjanst.case.purged"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql
def test_two_workers_send_each_message_once(setup, receiver):
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are tested on PostgreSQL")
    eservice, _endpoint = setup
    cases = [new_case(eservice) for _ in range(20)]
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait()
            deliver_due()
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    ids = [item["id"] for item in receiver.received]
    assert len(ids) == len(set(ids)) == len(cases)
    assert not OutboxMessage.objects.exclude(state="delivered").exists()
