import datetime as dt

import factory
from django.utils import timezone

from etjanst.content.constants import Level, Placement, Scope
from etjanst.content.models import InformationPage, OperatingMessage


class InformationPageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationPage

    title = factory.Sequence(lambda n: f"Hjälpsida {n}")
    slug = factory.Sequence(lambda n: f"hjalpsida-{n}")
    body = "Så här gör du.\n\n## Steg\n\n- Ett\n- Två"
    placement = Placement.FOOTER


class OperatingMessageFactory(factory.django.DjangoModelFactory):
    """A site-wide message for one day from now; traits for the other scopes."""

    class Meta:
        model = OperatingMessage

    level = Level.INFORMATION
    text = factory.Sequence(lambda n: f"Driftmeddelande nummer {n}")
    starts_at = factory.LazyFunction(timezone.now)
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(days=1))
    scope = Scope.SITE

    class Params:
        closing = factory.Trait(scope=Scope.ESERVICE, closes_eservice=True)
