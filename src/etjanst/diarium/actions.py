from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import Committee, RegistrationCounter


@dataclass(frozen=True)
class RegistrationNumber:
    committee: Committee
    year: int
    sequence: int

    def __str__(self) -> str:
        return self.committee.format_registration_number(year=self.year, number=self.sequence)


def allocate_registration_number(*, committee: Committee, at: datetime) -> RegistrationNumber:
    """Hand out the next number in the committee's series for the year of `at`.

    Must run inside the transaction that stores the registered document: the
    counter row stays locked until it commits, and a rollback gives the
    number back, so the series has no gaps."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate_registration_number must run inside a transaction.")
    year = timezone.localtime(at).year
    table = RegistrationCounter._meta.db_table
    # One statement: create the year's counter or increment it. The row stays
    # locked until the surrounding transaction ends (PostgreSQL, SQLite ≥ 3.35).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (committee_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (committee_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [committee.pk, year],
        )
        (sequence,) = cursor.fetchone()
    return RegistrationNumber(committee=committee, year=year, sequence=sequence)
