import factory

from etjanst.diarium.models import Committee
from etjanst.eservices import actions
from etjanst.eservices.models import Category, EService
from etjanst.retention.models import RetentionRule

SIMPLE_FORM = {
    "steps": [
        {
            "id": "arende",
            "title": "Ditt ärende",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True},
                {"id": "epost", "type": "email", "label": "E-postadress"},
            ],
        }
    ]
}


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["prefix"]

    name = factory.Sequence(lambda n: f"Nämnd {n}")
    prefix = factory.Sequence(lambda n: f"N{n}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Kategori {n}")
    slug = factory.Sequence(lambda n: f"kategori-{n}")


class RetentionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RetentionRule

    name = "Ärenden i e-tjänster"
    committee = factory.SubFactory(CommitteeFactory)
    decision_reference = factory.Sequence(lambda n: f"KS 2024/{n:04}, dokumenthanteringsplan 4.2")
    clock = "closed"
    period_months = 24


class EServiceFactory(factory.django.DjangoModelFactory):
    """An e-service; `form=...` publishes that form as version 1."""

    class Meta:
        model = EService
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"e-tjanst-{n}")
    name = factory.Sequence(lambda n: f"E-tjänst {n}")
    category = factory.SubFactory(CategoryFactory)
    committee = factory.SubFactory(CommitteeFactory)
    retention_rule = factory.SubFactory(
        RetentionRuleFactory, committee=factory.SelfAttribute("..committee")
    )
    short_description = "En e-tjänst för tester."
    intro_text = "Om e-tjänsten."

    @factory.post_generation
    def form(self, create, extracted, **kwargs):
        if create and extracted is not False:
            actions.add_version(eservice=self, form=extracted or SIMPLE_FORM, publish=True)
