import pytest
from django.urls import reverse

from etjanst.eid.session import PERSON_KEY
from tests.bankid.conftest import bankid  # noqa: F401  (the BankID simulator fixture)
from tests.eservices.factories import EServiceFactory
from tests.saml.conftest import saml  # noqa: F401  (the SAML simulator fixture)

# Test persons of the Navet simulator (Skatteverket's test personnummer).
GUARDIAN = "197601212397"  # two children, an address with c/o
CHILDREN = ("202003302383", "202005242397")
SEKRETESS = "196611252666"  # sekretessmarkering, guardian of one child
SKYDDAD = "196711302635"  # skyddad folkbokföring
ADULT = "194105199121"  # no children, nothing protected


@pytest.fixture(scope="session")
def navet_simulator(tmp_path_factory):
    """The Navet simulator on a free loopback port, with its own fresh CA."""
    from etjanst.simulators.navet import start

    simulator = start(tmp_path_factory.mktemp("navet-certs"))
    yield simulator
    simulator.stop()


@pytest.fixture
def navet(settings, navet_simulator):
    """The platform's NAVET settings pointed at the simulator, prefill on."""
    settings.NAVET = navet_simulator.client_settings(timeout=1.0)
    settings.ETJANST_PREFILL_SOURCES = ["navet"]
    navet_simulator.reset()
    yield navet_simulator
    navet_simulator.reset()


PREFILL_FORM = {
    "steps": [
        {
            "id": "du",
            "title": "Du som ansöker",
            "questions": [
                {
                    "id": "namn",
                    "type": "short_text",
                    "label": "Namn",
                    "required": True,
                    "prefill": {"source": "navet", "attribute": "name", "locked": True},
                },
                {
                    "id": "adress",
                    "type": "address",
                    "label": "Adress",
                    "required": True,
                    "prefill": {"source": "navet", "attribute": "address", "locked": True},
                },
                {
                    "id": "kontakt",
                    "type": "contact",
                    "label": "Kontakt",
                    "required": True,
                    "prefill": {"source": "navet", "attribute": "name"},
                },
            ],
        },
        {
            "id": "barnet",
            "title": "Barnet",
            "questions": [
                {
                    "id": "barn",
                    "type": "personnummer",
                    "label": "Vilket barn gäller det?",
                    "required": True,
                    "prefill": {"source": "navet", "attribute": "children"},
                },
                {
                    "id": "efternamn",
                    "type": "short_text",
                    "label": "Efternamn",
                    "prefill": {"source": "navet", "attribute": "surname"},
                },
            ],
        },
    ]
}


@pytest.fixture
def prefill_eservice(db):
    return EServiceFactory(form=PREFILL_FORM, login="required")


def bankid_login(client, simulator, personnummer: str) -> None:
    """Log in through our pages and the BankID simulator (mutual TLS)."""
    simulator.script(personnummer, after_polls=1)
    client.post(reverse("portal:bankid_start"), {"device": "other", "next": "/"})
    for _ in range(10):
        data = client.get(reverse("portal:bankid_status")).json()
        if data["status"] != "pending":
            break
    assert data["status"] == "complete", data
    assert client.session[PERSON_KEY]["personnummer"] == personnummer
