"""The whole chain over the network: a case is sent in, the outbox sends a
signed webhook to the reference case-management system, which pulls the
case through the API and confirms delivery; staff and the resident see it."""

import pytest

from etjanst.audit.models import AccessLogEntry
from etjanst.integrations.models import Delivery, WebhookEndpoint
from etjanst.integrations.webhooks import deliver_due
from etjanst.simulators.casemanagement import CaseManagementSystem, start
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.mypages import owned_case


@pytest.mark.django_db(transaction=True)
def test_a_new_case_is_pulled_and_confirmed_by_the_receiving_system(live_server, settings):
    settings.ETJANST_WEBHOOK_ALLOW_PRIVATE = True
    eservice = EServiceFactory(slug="bygglov")
    client, token = api_client("ByggR", eservices=[eservice])
    system = CaseManagementSystem(api=f"{live_server.url}/api/v1", token=token, secret="")
    server = start(system)
    try:
        endpoint = WebhookEndpoint.objects.create(
            client=client, url=f"http://127.0.0.1:{server.server_port}/hook"
        )
        system.secret = endpoint.secret
        case = owned_case(eservice, answers={"rubrik": "Altan"})
        assert deliver_due() == 1
        assert system.rejected == 0
        pulled = system.cases[case.pk]
        assert pulled["registration_number"] == case.registration_number
        assert {a["question_id"]: a["text"] for a in pulled["answers"]}["rubrik"] == "Altan"
        delivery = Delivery.objects.get(case=case)
        assert (delivery.client, delivery.external_id) == (client, f"REF-{case.pk}")
        entry = AccessLogEntry.objects.get(case_id=case.pk)
        assert (entry.user_name, entry.kind) == ("ByggR", "view")
    finally:
        server.shutdown()
        server.server_close()
