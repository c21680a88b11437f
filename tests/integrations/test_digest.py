"""The daily digest of failed webhooks and unconfirmed deliveries reaches the
administrators over real SMTP, with counts and system names only."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission as DjangoPermission
from django.core.management import call_command
from django.utils import timezone

from etjanst.integrations.digest import send_failure_digest
from etjanst.integrations.models import OutboxMessage, WebhookAttempt, WebhookEndpoint
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import staff_user

pytestmark = pytest.mark.django_db


def test_the_digest_names_systems_and_counts_and_nothing_personal(mailbox, django_user_model):
    django_user_model.objects.create_superuser("root", "root@exempelby.se", "x")
    manager = staff_user("ivar", committee=CommitteeFactory(), email="ivar@exempelby.se")
    manager.user_permissions.add(DjangoPermission.objects.get(codename="change_apiclient"))
    staff_user("kerstin", committee=CommitteeFactory(), email="kerstin@exempelby.se")
    eservice = EServiceFactory(slug="bygglov")
    client, _ = api_client("ByggR", eservices=[eservice], required_for=[eservice])
    WebhookEndpoint.objects.create(client=client, url="https://byggr.example/hook")
    cases = [owned_case(eservice) for _ in range(3)]
    failed = OutboxMessage.objects.filter(case__in=cases[:2])
    for message in failed:
        WebhookAttempt.objects.create(message=message, status_code=500)
    failed.update(state="failed", attempts=12)
    later = timezone.now() + timedelta(days=2)
    assert send_failure_digest(now=later) == 2
    mails = mailbox.wait_for(2)
    assert sorted(m["To"] for m in mails) == ["ivar@exempelby.se", "root@exempelby.se"]
    body = mails[0].get_body(("plain",)).get_content()
    assert "ByggR" in body
    assert "2 misslyckade händelser" in body
    assert "3 ärenden som systemet inte har bekräftat" in body
    assert "/handlaggning/integrationer/" in body
    for case in cases:
        assert case.registration_number not in body
        if case.sender_personnummer:
            assert case.sender_personnummer not in body


def test_a_quiet_day_sends_nothing(mailbox, django_user_model):
    django_user_model.objects.create_superuser("root", "root@exempelby.se", "x")
    api_client("ByggR")
    call_command("send_integration_digest")
    assert mailbox.messages == []


def test_each_eservice_contact_gets_the_part_about_their_eservice(mailbox):
    bygglov = EServiceFactory(slug="bygglov", name="Bygglov", contact="bygg@exempelby.se")
    EServiceFactory(slug="lampa", name="Felanmälan", contact="gata@exempelby.se")  # all well
    EServiceFactory(slug="parkering", name="Parkering", contact="Ring 010-123 45 67")
    client, _ = api_client("ByggR", eservices=[bygglov])
    WebhookEndpoint.objects.create(client=client, url="https://byggr.example/hook")
    owned_case(bygglov)
    OutboxMessage.objects.update(state="failed", attempts=12)

    assert send_failure_digest(now=timezone.now() + timedelta(days=2)) == 1  # no administrator
    [mail] = mailbox.wait_for(1)
    assert mail["To"] == "bygg@exempelby.se"
    body = mail.get_body(("plain",)).get_content()
    assert "e-tjänsten ”Bygglov”" in body and "ByggR" in body
    assert "1 misslyckade händelser" in body
    assert "står som kontakt" in body
