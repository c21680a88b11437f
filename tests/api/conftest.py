import pytest
from django.core.cache import cache
from django.test import Client

from etjanst.cases.models import Case
from tests.eservices.factories import EServiceFactory
from tests.integrations.factories import api_client
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True},
                {
                    "id": "typ",
                    "type": "single_choice",
                    "label": "Vad gäller det?",
                    "choices": [
                        {"value": "lampa", "label": "Gatlampa"},
                        {"value": "hal", "label": "Hål i vägen"},
                    ],
                },
                {"id": "bild", "type": "file", "label": "Bild"},
            ],
        }
    ]
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The rate-limit counters live in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()


class Api:
    """A Django test client that sends a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path, data=None, **kwargs):
        kwargs.setdefault("content_type", "application/json")
        return self.client.post(path, data, headers=self.headers, **kwargs)

    def put(self, path, data=None, **kwargs):
        kwargs.setdefault("content_type", "application/json")
        return self.client.put(path, data, headers=self.headers, **kwargs)


@pytest.fixture
def world(db):
    ks = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    bn = CommitteeFactory(name="Byggnadsnämnden", prefix="BN")
    lampa = EServiceFactory(slug="felanmalan", name="Felanmälan", committee=ks, form=FORM)
    bygg = EServiceFactory(slug="bygglov", name="Bygglov", committee=bn, form=FORM)
    ks_case = owned_case(lampa, answers={"rubrik": "Trasig lampa", "typ": "lampa"})
    bn_case = owned_case(bygg, answers={"rubrik": "Altan", "typ": "hal"})
    platina, platina_token = api_client("Platina", eservices=[lampa])
    byggr, byggr_token = api_client("ByggR", committees=[bn])
    return {
        "ks": ks,
        "bn": bn,
        "lampa": lampa,
        "bygg": bygg,
        "ks_case": Case.objects.get(pk=ks_case.pk),
        "bn_case": Case.objects.get(pk=bn_case.pk),
        "platina": platina,
        "platina_token": platina_token,
        "byggr": byggr,
        "byggr_token": byggr_token,
    }


@pytest.fixture
def platina(world):
    return Api(world["platina_token"])
