"""A retention rule is a committee's purge decision: the choice shows whose
and which decision, and a rule of another committee is refused wherever an
e-service gets one (model validation, which the admin form and the import
run, and publishing)."""

import pytest
from django.core.exceptions import ValidationError

from etjanst.eservices import actions
from etjanst.eservices.models import EService
from tests.eservices.factories import EServiceFactory
from tests.organisation.factories import CommitteeFactory, RetentionRuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def committees():
    return (
        CommitteeFactory(name="Kommunstyrelsen", prefix="KS"),
        CommitteeFactory(name="Byggnadsnämnden", prefix="BN"),
    )


def test_the_choice_names_committee_and_decision(committees):
    ks, bn = committees
    ks_rule = RetentionRuleFactory(committee=ks, decision_reference="KS 2024/0123, 4.2")
    bn_rule = RetentionRuleFactory(committee=bn, decision_reference="BN 2023/0007, 4.2")
    assert str(ks_rule) == "Ärenden i e-tjänster – Kommunstyrelsen (KS 2024/0123, 4.2)"
    assert str(bn_rule) == "Ärenden i e-tjänster – Byggnadsnämnden (BN 2023/0007, 4.2)"
    assert str(ks_rule) != str(bn_rule)


def test_a_rule_of_another_committee_is_refused_by_the_model(committees):
    ks, bn = committees
    eservice = EServiceFactory(committee=ks)
    eservice.retention_rule = RetentionRuleFactory(committee=bn)
    with pytest.raises(ValidationError) as caught:
        eservice.full_clean()
    assert "är beslutad av Byggnadsnämnden" in caught.value.message_dict["retention_rule"][0]


def test_publishing_with_a_rule_of_another_committee_is_refused(committees):
    ks, bn = committees
    eservice = EServiceFactory(committee=ks)
    # A rule attached behind the model's back (an old row, a raw update):
    EService.objects.filter(pk=eservice.pk).update(
        retention_rule=RetentionRuleFactory(committee=bn)
    )
    eservice.refresh_from_db()
    draft = actions.add_version(eservice=eservice, form=eservice.current_version.form)
    with pytest.raises(ValidationError, match="Byggnadsnämnden"):
        actions.publish_version(version=draft)
    draft.refresh_from_db()
    assert draft.published_at is None


def test_a_rule_cannot_move_to_another_committee_under_its_eservices(committees):
    ks, bn = committees
    eservice = EServiceFactory(committee=ks)
    rule = eservice.retention_rule
    rule.committee = bn
    with pytest.raises(ValidationError, match=eservice.name):
        rule.full_clean()


def test_the_admin_choice_names_committee_and_decision(admin_client, committees):
    from django.urls import reverse

    ks, bn = committees
    eservice = EServiceFactory(committee=ks)
    RetentionRuleFactory(committee=bn, decision_reference="BN 2023/0007, 4.2")
    html = admin_client.get(
        reverse("admin:eservices_eservice_change", args=[eservice.pk])
    ).content.decode()
    assert (
        f">Ärenden i e-tjänster – Kommunstyrelsen ({eservice.retention_rule.decision_reference})<"
        in html
    )
    assert ">Ärenden i e-tjänster – Byggnadsnämnden (BN 2023/0007, 4.2)<" in html
