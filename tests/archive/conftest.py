import pytest

from etjanst.cases.actions import transition_case
from etjanst.cases.models import Case, Status
from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True},
                {"id": "bild", "type": "file", "label": "Bild"},
            ],
        }
    ]
}


def close(case: Case) -> Case:
    closed = Status.objects.get(eservice__isnull=True, code="avslutat")
    return transition_case(case=case, to=closed)


@pytest.fixture
def world(db):
    ks = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    bn = CommitteeFactory(name="Byggnadsnämnden", prefix="BN")
    lampa = EServiceFactory(slug="felanmalan", name="Felanmälan", committee=ks, form=FORM)
    bygg = EServiceFactory(slug="bygglov", name="Bygglov", committee=bn, form=FORM)
    closed = close(owned_case(lampa, answers={"rubrik": "Trasig lampa"}))
    still_open = owned_case(lampa, answers={"rubrik": "Hål i vägen"})
    other = close(owned_case(bygg, answers={"rubrik": "Altan"}))
    return {
        "ks": ks,
        "lampa": lampa,
        "bygg": bygg,
        "closed": Case.objects.get(pk=closed.pk),
        "open": Case.objects.get(pk=still_open.pk),
        "other": Case.objects.get(pk=other.pk),
    }
