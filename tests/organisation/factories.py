"""Committees and their retention rules."""

import factory

from etjanst.organisation.models import Committee, RetentionRule


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["prefix"]

    name = factory.Sequence(lambda n: f"Nämnd {n}")
    prefix = factory.Sequence(lambda n: f"N{n}")


class RetentionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionRule

    name = "Ärenden i e-tjänster"
    committee = factory.SubFactory(CommitteeFactory)
    decision_reference = factory.Sequence(lambda n: f"KS 2024/{n:04}, dokumenthanteringsplan 4.2")
    clock = "closed"
    period_months = 24
