"""Writes to people."""

from django.db import IntegrityError, transaction

from . import tasks
from .models import DataExtract, Resident


def resident_for(*, person) -> Resident:
    """The stored resident for a logged-in person, made on first need. The
    name follows the latest e-ID login."""
    resident = Resident.objects.for_person(person).first()
    if resident is None:
        identity = (
            {"personnummer": person.personnummer}
            if person.personnummer
            else {"foreign_id": person.identifier}
        )
        try:
            with transaction.atomic():
                return Resident.objects.create(
                    **identity, given_name=person.given_name, surname=person.surname
                )
        except IntegrityError:  # a parallel request made it first
            resident = Resident.objects.for_person(person).get()
    if (resident.given_name, resident.surname) != (person.given_name, person.surname):
        resident.given_name, resident.surname = person.given_name, person.surname
        resident.save(update_fields=["given_name", "surname"])
    return resident


def request_extract(*, owner: Resident) -> DataExtract:
    """Ask for a new extract (one at a time): made in the background."""
    pending = owner.extracts.filter(state=DataExtract.State.PENDING).first()
    if pending is not None:
        return pending
    extract = DataExtract.objects.create(owner=owner)
    extract_id = str(extract.pk)
    transaction.on_commit(lambda: tasks.build_extract.enqueue(extract_id=extract_id))
    return extract
