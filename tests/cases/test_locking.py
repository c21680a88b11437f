"""Locking a case for a change locks that case only: two officers moving two
cases that share a status never wait for each other (PostgreSQL; SQLite locks
the whole database anyway)."""

import threading

import pytest
from django.db import connection, connections, transaction

from etjanst.cases.actions import _lock
from tests.eservices.factories import EServiceFactory
from tests.mypages import owned_case

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_cases_with_the_same_status_are_locked_independently():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite locks the whole file")
    eservice = EServiceFactory(login="optional")
    first, second = owned_case(eservice), owned_case(eservice)
    assert first.status_id == second.status_id
    outcome = {}

    def other_officer():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                outcome["locked"] = _lock(second, None).pk
        except Exception as error:  # the assertion below shows which
            outcome["error"] = error
        finally:
            connections.close_all()

    with transaction.atomic():
        _lock(first, None)
        thread = threading.Thread(target=other_officer)
        thread.start()
        thread.join(10)
    assert outcome == {"locked": second.pk}
