"""Webhooks from the transactional outbox, against a real HTTP receiver that
checks every signature with the standardwebhooks library."""

import socket
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


@pytest.fixture
def dns(monkeypatch):
    """Our own DNS answers for names (the test's peer), counting each lookup."""
    from etjanst.integrations import webhooks

    answers: dict[str, list[str]] = {}
    asked: list[str] = []
    real = webhooks._getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        if host not in answers:
            return real(host, port, *args, **kwargs)
        ip = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(webhooks, "_getaddrinfo", getaddrinfo)
    return answers, asked


def test_a_name_that_resolves_to_loopback_is_refused_when_not_allowed(settings, dns):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = False
    settings.ETJANST_WEBHOOK_ALLOWED_NETWORKS = []
    answers, _asked = dns
    answers["evil.example"] = ["127.0.0.1"]
    for url in (
        "https://evil.example/hook",
        "https://localhost/hook",
        "https://[::ffff:127.0.0.1]/",
    ):
        with pytest.raises(RefusedAddress):
            check_address(url)


def test_the_sender_connects_to_the_checked_address_not_a_second_answer(
    setup, receiver, settings, dns
):
    """DNS rebinding: the name first says 127.0.0.1 (allowed here, as for a
    receiver in the municipality's own network), then a forbidden address. The
    webhook goes to the first: one lookup per attempt, the connection to that
    address, with the name in the Host header."""
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = False
    settings.ETJANST_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    eservice, endpoint = setup
    port = receiver.server.server_port
    endpoint.url = f"http://hook.byggr.test:{port}/hook"
    endpoint.save()
    answers, asked = dns
    answers["hook.byggr.test"] = ["127.0.0.1", "169.254.169.254"]
    new_case(eservice)
    assert deliver_due() == 1
    assert asked.count("hook.byggr.test") == 1
    assert receiver.handled()[0]["host"] == f"hook.byggr.test:{port}"
    # The next lookup answers the metadata address: refused, nothing sent there.
    case = new_case(eservice)
    assert deliver_due() == 0
    message = OutboxMessage.objects.get(case=case)
    assert message.last_error.startswith("refused: not a public address: 169.254.169.254")


def test_plain_http_only_to_allowed_networks(settings, dns):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = False
    settings.ETJANST_WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    answers, _asked = dns
    answers["intern.exempelby.se"] = ["10.20.1.5"]
    answers["public.example"] = ["93.184.215.14"]
    assert check_address("http://intern.exempelby.se/hook") == "10.20.1.5"
    assert check_address("https://public.example/hook") == "93.184.215.14"
    with pytest.raises(RefusedAddress):
        check_address("http://public.example/hook")


def _certificate(tmp_path, name):
    """A self-signed certificate for `name` only (no IP address in it)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_https_to_a_pinned_address_keeps_the_name_for_sni_and_the_certificate(
    settings, dns, tmp_path
):
    import ssl

    import httpx

    from etjanst.integrations.webhooks import TIMEOUT, PinnedTransport

    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = False
    settings.ETJANST_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    cert, key = _certificate(tmp_path, "hook.byggr.test")
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    server_names = []
    server_tls.sni_callback = lambda sock, name, ctx: server_names.append(name)
    receiver = Receiver(tls=server_tls)
    try:
        eservice = EServiceFactory(slug="bygglov")
        client, _ = api_client("ByggR", eservices=[eservice])
        port = receiver.server.server_port
        endpoint = WebhookEndpoint.objects.create(
            client=client, url=f"https://hook.byggr.test:{port}/hook"
        )
        receiver.secret = endpoint.secret
        answers, _asked = dns
        answers["hook.byggr.test"] = ["127.0.0.1"]
        trust = ssl.create_default_context(cafile=str(cert))
        new_case(eservice)
        pinned = httpx.Client(timeout=TIMEOUT, transport=PinnedTransport(verify=trust))
        assert deliver_due(client=pinned) == 1
        assert server_names == ["hook.byggr.test"]
        assert receiver.handled()[0]["host"] == f"hook.byggr.test:{port}"
        # The same certificate under another name does not pass.
        answers["other.byggr.test"] = ["127.0.0.1"]
        endpoint.url = f"https://other.byggr.test:{port}/hook"
        endpoint.save()
        case = new_case(eservice)
        pinned = httpx.Client(timeout=TIMEOUT, transport=PinnedTransport(verify=trust))
        assert deliver_due(client=pinned) == 0
        assert OutboxMessage.objects.get(case=case).last_error == "ConnectError"
    finally:
        receiver.stop()
