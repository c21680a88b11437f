from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
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
    RegistrationCounter.objects.bulk_create(
        [RegistrationCounter(committee=committee, year=year, last_number=0)],
        ignore_conflicts=True,
    )
    counter = RegistrationCounter.objects.select_for_update().get(committee=committee, year=year)
    counter.last_number = F("last_number") + 1
    counter.save(update_fields=["last_number"])
    counter.refresh_from_db(fields=["last_number"])
    return RegistrationNumber(committee=committee, year=year, sequence=counter.last_number)
