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


CHILD_ANSWER = {
    "personnummer": "202005242397",
    "name": "Erik Åberg",
    "protected": False,
    "municipality": "9999",
    "address": {"street": "Granstigen 21", "postal_code": "204 61", "city": "Norrby"},
    "guardians": [
        {
            "personnummer": "197601272383",
            "name": "Emma Berglund",
            "protected": False,
            "same_address": True,
        }
    ],
}


@pytest.fixture
def signing_eservice(db, settings):
    settings.ETJANST_MUNICIPALITY = {**settings.ETJANST_MUNICIPALITY, "code": "9999"}
    return EServiceFactory(
        name="Ansökan om plats i förskola",
        form=child_form(),
        login="required",
        requires_signing=True,
        guardian_signing="all",
    )


def send_directly(eservice, *, child=None, sender="197601212397"):
    """The first guardian's case, through the one pipeline (submit_form),
    signed as the review page would have it signed."""
    import uuid

    from etjanst.eid.person import Person
    from etjanst.eservices.presentation import answers_digest
    from etjanst.people.actions import resident_for
    from etjanst.submissions.actions import submit_form

    answers = {"barn": child or CHILD_ANSWER, "start": "1 augusti"}
    owner = resident_for(
        person=Person(personnummer=sender, given_name="Olof", surname="Åberg", method="bankid")
    )
    return submit_form(
        version=eservice.current_version,
        answers=answers,
        upload_owner="",
        submission_key=uuid.uuid4(),
        signature={
            "answers_digest": answers_digest(answers),
            "personnummer": sender,
            "name": "Olof Åberg",
            "signed_at": 1_790_000_000,
        },
        owner=owner,
    )
