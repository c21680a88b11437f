"""E-services with a published form."""

import factory

from etjanst.eservices import actions
from etjanst.eservices.models import Category, EService
from tests.organisation.factories import CommitteeFactory, RetentionRuleFactory

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


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Kategori {n}")
    slug = factory.Sequence(lambda n: f"kategori-{n}")


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
