"""Before purging, a registrar sees per rule its committee and decision and,
with --list, the registration numbers that would go; the staff purge page
shows the registration numbers of each batch purged."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from etjanst.cases.models import Case
from etjanst.retention.actions import purge_due, set_legal_hold
from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory, RetentionRuleFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def due(time_machine):
    """Two committees, each with its "Ärenden i e-tjänster" rule of one month."""
    cases = {}
    time_machine.move_to(datetime(2026, 1, 1, tzinfo=STOCKHOLM))
    for name, prefix, decision in (
        ("Kommunstyrelsen", "KS", "KS 2024/0123, 4.2"),
        ("Byggnadsnämnden", "BN", "BN 2023/0007, 4.2"),
    ):
        committee = CommitteeFactory(name=name, prefix=prefix)
        rule = RetentionRuleFactory(
            committee=committee, decision_reference=decision, clock="submitted", period_months=1
        )
        eservice = EServiceFactory(committee=committee, retention_rule=rule)
        cases[prefix] = [owned_case(eservice) for _ in range(2)]
    time_machine.move_to(datetime(2026, 3, 1, tzinfo=STOCKHOLM))
    return cases


def run(*args) -> str:
    out = StringIO()
    call_command("purge", *args, stdout=out)
    return out.getvalue()


def test_dry_run_shows_committee_and_decision_per_rule_and_purges_nothing(due):
    output = run("--dry-run")
    assert "Kommunstyrelsen: Ärenden i e-tjänster (KS 2024/0123, 4.2)" in output
    assert "Byggnadsnämnden: Ärenden i e-tjänster (BN 2023/0007, 4.2)" in output
    assert output.count("2 ärenden att gallra") == 2
    assert "Totalt 4 ärenden att gallra" in output
    assert due["KS"][0].registration_number not in output  # only with --list
    assert not Case.objects.filter(purged_at__isnull=False).exists()


def test_list_names_the_registration_numbers_that_would_go(due):
    held = due["BN"][1]
    set_legal_hold(case=held, hold=True, reason="Överklagat")
    output = run("--dry-run", "--list")
    for case in due["KS"] + due["BN"][:1]:
        assert f"  {case.registration_number}\n" in output
    assert held.registration_number not in output
    # Committees in name order: Byggnadsnämnden's numbers, then Kommunstyrelsen's.
    bn_part, ks_part = output.split("Byggnadsnämnden:")[1].split("Kommunstyrelsen:")
    assert due["KS"][0].registration_number in ks_part
    assert due["KS"][0].registration_number not in bn_part
    assert not Case.objects.filter(purged_at__isnull=False).exists()
    assert run("--list") == output  # --list alone never purges either


def test_the_staff_purge_page_lists_each_batchs_registration_numbers(client, due):
    purge_due(by="test")
    log_in_staff(client, staff_user("rut", role="registrar", committee=due["KS"][0].committee))
    page = client.get(reverse("staff:purge_preview")).content.decode()
    for case in due["KS"] + due["BN"]:
        assert case.registration_number in page
    assert "Visa 2 diarienummer" in page
