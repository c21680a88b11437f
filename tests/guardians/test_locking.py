"""What a guardian's signature locks (PostgreSQL; SQLite locks the whole
database anyway): the request row only, so an officer changing the case is
not held up by a guardian looking at the signing page; and yet two
guardians of one case signing at once hand it over exactly once."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from etjanst.cases.actions import _lock
from etjanst.cases.models import CaseEvent
from etjanst.guardians import actions
from tests.guardians.conftest import CHILD_ANSWER, send_directly
from tests.guardians.test_signing import OTHER, person, signed_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

THIRD = "197601292381"  # one more guardian, for a case two must sign


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite locks the whole file")


def test_a_guardian_signing_locks_the_request_not_the_case(signing_eservice):
    request = send_directly(signing_eservice).guardian_signatures.get()
    outcome = {}

    def officer():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                outcome["locked"] = _lock(request.case, None).pk
        except Exception as error:  # the assertion below shows which
            outcome["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        actions._locked(request.pk, OTHER)
        thread = threading.Thread(target=officer)
        thread.start()
        thread.join(10)
    assert outcome == {"locked": request.case_id}


def test_two_guardians_of_one_case_signing_at_once_hand_it_over_once(signing_eservice):
    child = CHILD_ANSWER | {
        "guardians": [
            *CHILD_ANSWER["guardians"],
            {"personnummer": THIRD, "name": "Tore Lind", "protected": False, "same_address": True},
        ]
    }
    case = send_directly(signing_eservice, child=child)
    first = case.guardian_signatures.get(personnummer=OTHER)
    second = case.guardian_signatures.get(personnummer=THIRD)
    outcome = {}

    def second_guardian():
        try:
            actions.sign(signature_id=second.pk, person=person(THIRD), signed=signed_for(second))
            outcome["signed"] = True
        except Exception as error:  # the assertion below shows which
            outcome["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        actions.sign(signature_id=first.pk, person=person(OTHER), signed=signed_for(first))
        thread = threading.Thread(target=second_guardian)
        thread.start()
        time.sleep(1)
        # The second waits for the first to commit, so it sees the first
        # signature and hands the case over (else neither would).
        assert thread.is_alive()
    thread.join(10)
    assert outcome == {"signed": True}
    case.refresh_from_db()
    assert case.awaiting_signatures is False
    assert case.events.filter(kind=CaseEvent.Kind.GUARDIANS_SIGNED).count() == 1
