"""Registration numbers: configurable format, unique and gapless per series
and year, also under concurrent submissions."""

import threading
import uuid

import pytest
from django.db import connection, transaction

from etjanst.cases.models import Case
from etjanst.diarium.actions import allocate_registration_number
from etjanst.submissions.actions import submit_form
from tests.eservices.factories import EServiceFactory
from tests.organisation.factories import CommitteeFactory


@pytest.mark.django_db
def test_numbers_follow_the_committee_format_and_restart_each_year(time_machine):
    committee = CommitteeFactory(prefix="KS")
    time_machine.move_to("2026-12-31 23:30 +01:00")
    with transaction.atomic():
        first = allocate_registration_number(committee=committee, at=_now())
        second = allocate_registration_number(committee=committee, at=_now())
    assert (str(first), str(second)) == ("KS 2026/0001", "KS 2026/0002")
    # Midnight in Stockholm starts a new year, even though it is still 2026 in UTC.
    time_machine.move_to("2027-01-01 00:10 +01:00")
    with transaction.atomic():
        assert str(allocate_registration_number(committee=committee, at=_now())) == "KS 2027/0001"
    committee.registration_format = "{prefix}-{number}/{year}"
    committee.save()
    with transaction.atomic():
        assert str(allocate_registration_number(committee=committee, at=_now())) == "KS-2/2027"


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.django_db(transaction=True)
def test_numbers_are_only_handed_out_inside_a_transaction():
    with pytest.raises(RuntimeError):
        allocate_registration_number(committee=CommitteeFactory(), at=_now())


@pytest.mark.django_db
def test_a_rolled_back_submission_gives_its_number_back():
    committee = CommitteeFactory(prefix="BUN")
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        allocate_registration_number(committee=committee, at=_now())
        1 / 0  # noqa: B018
    with transaction.atomic():
        assert allocate_registration_number(committee=committee, at=_now()).sequence == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql
def test_concurrent_submissions_get_unique_gapless_numbers():
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent row locking is tested on PostgreSQL (the SQLite run serialises writes)"
        )
    eservice = EServiceFactory(committee__prefix="KS")
    version = eservice.current_version
    threads, errors = 24, []
    barrier = threading.Barrier(threads)

    def send(i: int) -> None:
        try:
            barrier.wait()
            submit_form(
                version=version,
                answers={"rubrik": f"Ärende {i}"},
                upload_owner="",
                submission_key=uuid.uuid4(),
            )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=send, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []
    sequences = sorted(Case.objects.values_list("registration_sequence", flat=True))
    assert sequences == list(range(1, threads + 1))
    assert Case.objects.values("registration_number").distinct().count() == threads


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgresql
def test_concurrent_replays_of_one_submission_make_one_case():
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrent replays are tested on PostgreSQL (the SQLite run serialises writes)"
        )
    eservice = EServiceFactory()
    version = eservice.current_version
    key = uuid.uuid4()
    results, barrier = [], threading.Barrier(8)

    def send() -> None:
        try:
            barrier.wait()
            results.append(
                submit_form(
                    version=version,
                    answers={"rubrik": "Samma"},
                    upload_owner="",
                    submission_key=key,
                ).pk
            )
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert Case.objects.count() == 1
    assert set(results) == {Case.objects.get().pk}
    assert Case.objects.get().registration_sequence == 1
