import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from etjanst.bookings import actions
from etjanst.bookings.constants import BookingStatus
from etjanst.bookings.models import Booking, Slot
from tests.bookings.factories import ResourceFactory

UTC = datetime.UTC
ATTEMPTS, SLOTS, THREADS = 200, 20, 50


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql
def test_200_concurrent_attempts_at_20_free_slots_make_exactly_20_bookings(
    on_postgresql, time_machine
):
    if not on_postgresql:
        pytest.skip("concurrent booking is tested on PostgreSQL (the SQLite run serialises writes)")
    time_machine.move_to(datetime.datetime(2026, 5, 4, 5, 0, tzinfo=UTC))
    # Tuesday 2026-05-05, 09:00–19:00 local: twenty 30-minute slots.
    resource = ResourceFactory(hours=(datetime.time(9), datetime.time(19)))
    first = datetime.datetime(2026, 5, 5, 7, 0, tzinfo=UTC)
    starts = [first + datetime.timedelta(minutes=30 * i) for i in range(SLOTS)]
    barrier = threading.Barrier(THREADS)
    booked, refused, errors = [], [], []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        try:
            if i < THREADS:
                barrier.wait()
            booking = actions.book_slot(
                resource=resource, starts_at=starts[i % SLOTS], email=f"person{i}@example.se"
            )
            with lock:
                booked.append(booking.pk)
        except actions.SlotTaken as exc:
            with lock:
                refused.append(exc.message)
        except Exception as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    # 200 attempts from 50 threads (each with its own database connection).
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(attempt, range(ATTEMPTS)))

    assert errors == []
    assert len(booked) == SLOTS
    assert len(refused) == ATTEMPTS - SLOTS
    assert all(m.startswith("Tiden är tyvärr redan bokad") for m in refused)
    assert Booking.objects.count() == SLOTS  # nothing half-written
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == SLOTS
    assert sorted(Slot.objects.values_list("starts_at", flat=True)) == starts
    assert set(Slot.objects.values_list("booked", flat=True)) == {1}
