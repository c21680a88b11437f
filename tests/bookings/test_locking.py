"""What a booking's row lock holds (PostgreSQL; SQLite locks the whole
database anyway): the booking only. The places in a slot are counted by
conditional UPDATEs, so nothing needs the slot or the resource locked while
one resident confirms, holds again or cancels; others book on meanwhile."""

import datetime
import threading

import pytest
from django.db import connection, connections, transaction

from etjanst.bookings import actions
from tests.bookings.factories import ResourceFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgresql]

UTC = datetime.UTC
TUESDAY_9 = datetime.datetime(2026, 5, 5, 7, 0, tzinfo=UTC)  # 09:00 local
TUESDAY_930 = TUESDAY_9 + datetime.timedelta(minutes=30)


@pytest.fixture(autouse=True)
def postgresql_only(time_machine):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter; SQLite locks the whole file")
    time_machine.move_to(datetime.datetime(2026, 5, 4, 5, 0, tzinfo=UTC))


def meanwhile(work) -> dict:
    """Run `work` on another connection while the caller's transaction is
    open; waiting more than 3 s for a lock is an error."""
    outcome = {}

    def run():
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '3s'")
                outcome["done"] = work().slot.starts_at
        except Exception as error:  # the assertion in the test shows which
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    return outcome


def book(resource, starts_at):
    return lambda: actions.book_slot(resource=resource, starts_at=starts_at, email="b@example.se")


def test_confirming_a_held_time_leaves_the_slot_open_to_others(time_machine):
    resource = ResourceFactory(capacity=2)
    actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
    with transaction.atomic():  # as in the submission's own transaction
        actions.confirm(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
        outcome = meanwhile(book(resource, TUESDAY_9))
    assert outcome == {"done": TUESDAY_9}


def test_holding_a_time_again_leaves_the_slot_open_to_others(time_machine):
    resource = ResourceFactory(capacity=2)
    actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
    with transaction.atomic():
        actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="form-a")
        outcome = meanwhile(book(resource, TUESDAY_9))
    assert outcome == {"done": TUESDAY_9}


def test_two_bookings_of_one_resource_are_cancelled_without_waiting(time_machine):
    resource = ResourceFactory()
    first = actions.book_slot(resource=resource, starts_at=TUESDAY_9, email="a@example.se")
    second = actions.book_slot(resource=resource, starts_at=TUESDAY_930, email="b@example.se")
    with transaction.atomic():
        actions.cancel_booking(booking=first)
        outcome = meanwhile(lambda: actions.cancel_booking(booking=second))
    assert outcome == {"done": TUESDAY_930}
