"""`make demo` starts the reference receiver as its own process with the
credentials `manage.py demo_receiver` writes; a new case reaches it, is
pulled and confirmed, and `GET /` on its port shows what it received."""

import json
import os
import subprocess
import sys

import httpx
import pytest
from django.core.management import call_command

from etjanst.integrations.models import ApiClient, Delivery
from etjanst.integrations.webhooks import deliver_due
from etjanst.simulators.mailbox import free_port
from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case


@pytest.mark.django_db(transaction=True)
def test_the_demo_receiver_gets_and_confirms_a_new_case(live_server, settings, tmp_path):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = False
    settings.ETJANST_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]  # as demo.sh sets it
    eservice = EServiceFactory(slug="bygglov")
    port = free_port()
    credentials = tmp_path / "credentials.json"
    for _ in range(2):  # every start renews the token and the secret
        call_command(
            "demo_receiver",
            hook=f"http://127.0.0.1:{port}/hook",
            api=f"{live_server.url}/api/v1",
            write=str(credentials),
        )
    assert oct(credentials.stat().st_mode & 0o777) == "0o600"
    client = ApiClient.objects.get()
    assert client.tokens.valid().count() == 1 and client.endpoints.count() == 1
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "etjanst.simulators.casemanagement",
            "--port",
            str(port),
            "--credentials",
            str(credentials),
            "--folder",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        env={**os.environ},
        text=True,
    )
    try:
        assert "Receiving webhooks" in process.stdout.readline()
        case = owned_case(eservice)
        assert deliver_due() == 1
        assert Delivery.objects.get(case=case).external_id == f"REF-{case.pk}"
        seen = httpx.get(f"http://127.0.0.1:{port}/").json()
        assert seen["cases"][str(case.pk)]["registration_number"] == case.registration_number
        assert seen["rejected_signatures"] == 0
        line = json.loads((tmp_path / "received.jsonl").read_text().splitlines()[0])
        assert (line["type"], line["confirmed_as"]) == (
            "se.etjanst.case.submitted",
            f"REF-{case.pk}",
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
