"""The database drops every connection (as in a restart or a failover):
a worker logs it, reconnects on its own and goes on. PostgreSQL only."""

import pytest
from django.db import connection

from tests.jobs.conftest import wait_until
from tests.jobs.test_stranded_tasks import send_a_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.faults]


def drop_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_worker_reconnects_by_itself_after_the_database_dropped_it(client, mailbox, workers):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (scripts/test.sh starts one)")
    worker = workers.start("worker-r")
    send_a_case(client)
    wait_until(lambda: len(mailbox.messages) == 1, what="the first confirmation")
    assert drop_other_connections() >= 1  # the worker's connections are gone
    send_a_case(client)
    wait_until(lambda: len(mailbox.messages) == 2, what="a confirmation after the drop")
    assert worker.poll() is None  # still running: it did not die with its connection
