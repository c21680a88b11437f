"""Who may stop the purge of a case: officers and registrars of the case's
committee (or e-service). Anyone else gets 404 (or the login page), and the
case, its hold and its history stay as they were."""

import pytest
from django.urls import reverse

from etjanst.cases.models import Case, CaseEvent
from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [{"id": "rubrik", "type": "short_text", "label": "Rubrik"}],
        }
    ]
}


@pytest.fixture
def ks_case():
    ks = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    return owned_case(EServiceFactory(committee=ks, login="optional", form=FORM))


@pytest.fixture
def bn():
    return CommitteeFactory(name="Byggnadsnämnden", prefix="BN")


def hold(client, case):
    return client.post(
        reverse("staff:legal_hold", args=[case.pk]), {"hold": "on", "reason": "Överklagat"}
    )


def unchanged(case, before):
    assert Case.objects.values().get(pk=case.pk) == before
    assert not CaseEvent.objects.filter(
        case=case, kind__in=[CaseEvent.Kind.LEGAL_HOLD, CaseEvent.Kind.LEGAL_HOLD_LIFTED]
    ).exists()


def test_an_officer_of_another_committee_gets_404(client, ks_case, bn):
    before = Case.objects.values().get(pk=ks_case.pk)
    log_in_staff(client, staff_user("bengt", committee=bn))
    assert hold(client, ks_case).status_code == 404
    unchanged(ks_case, before)


def test_an_officer_of_another_eservice_gets_404(client, ks_case):
    before = Case.objects.values().get(pk=ks_case.pk)
    other = EServiceFactory(committee=ks_case.committee, form=FORM)
    log_in_staff(client, staff_user("egon", eservice=other))
    assert hold(client, ks_case).status_code == 404
    unchanged(ks_case, before)


def test_an_eservice_manager_of_the_committee_is_sent_to_the_login(client, ks_case):
    before = Case.objects.values().get(pk=ks_case.pk)
    manager = staff_user("maja", role="eservice_manager", committee=ks_case.committee)
    log_in_staff(client, manager)
    response = hold(client, ks_case)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff:login"))
    unchanged(ks_case, before)


def test_a_registrar_of_the_committee_may(client, ks_case):
    log_in_staff(client, staff_user("rut", role="registrar", committee=ks_case.committee))
    assert hold(client, ks_case).status_code == 302
    ks_case.refresh_from_db()
    assert ks_case.legal_hold and ks_case.legal_hold_reason == "Överklagat"
    assert CaseEvent.objects.filter(case=ks_case, kind=CaseEvent.Kind.LEGAL_HOLD).exists()
