import pytest

from tests.bankid.conftest import bankid  # noqa: F401  (the BankID simulator fixture)
from tests.eservices.factories import EServiceFactory
from tests.prefill.conftest import navet, navet_simulator  # noqa: F401


def child_form(**options) -> dict:
    return {
        "steps": [
            {
                "id": "barnet",
                "title": "Barnet",
                "questions": [
                    {"id": "barn", "type": "child", "label": "Välj barn", "required": True}
                    | options
                ],
            },
            {
                "id": "onskemal",
                "title": "Önskemål",
                "questions": [{"id": "start", "type": "short_text", "label": "Önskat startdatum"}],
            },
        ]
    }


@pytest.fixture
def child_eservice(db, settings):
    settings.ETJANST_MUNICIPALITY = {**settings.ETJANST_MUNICIPALITY, "code": "9999"}
    return EServiceFactory(form=child_form(), login="required")


@pytest.fixture
def make_child_eservice(db, settings):
    settings.ETJANST_MUNICIPALITY = {**settings.ETJANST_MUNICIPALITY, "code": "9999"}

    def make(**options):
        return EServiceFactory(form=child_form(**options), login="required")

    return make
