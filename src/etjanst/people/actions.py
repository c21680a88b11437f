"""Writes to people."""

from django.db import IntegrityError, transaction

from .models import Resident


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
