"""A foreign person (eIDAS, no Swedish personnummer) books, rebooks and
cancels a time. Logged in as the SAML simulator's Lena Müller would be (the
clock is frozen here, which a signed SAML assertion would not survive)."""

import datetime

import pytest
from django.urls import reverse

from etjanst.bookings.constants import BookingStatus
from etjanst.bookings.models import Booking
from etjanst.eid.person import Person
from etjanst.people.models import Resident
from tests.bookings.factories import ResourceFactory, booking_form
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit
from tests.login import log_in

NOW = datetime.datetime(2026, 5, 4, 6, 0, tzinfo=datetime.UTC)  # Monday 08:00 local
LENA = Person(
    personnummer=None,
    given_name="Lena",
    surname="Müller",
    method="saml:eidas",
    identifier="DE:4f1c9a2b7e",
    date_of_birth="1985-04-12",
    loa="http://id.elegnamnden.se/loa/1.0/eidas-sub",
)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_a_foreign_person_books_rebooks_and_cancels(client):
    resource = ResourceFactory(name="Budget- och skuldrådgivning", slug="radgivning")
    eservice = EServiceFactory(form=booking_form(resource), login="required")
    log_in(client, LENA)
    start(client, eservice)
    assert post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:00Z"}).status_code == 302
    post_step(client, eservice, 2, {"q_epost": "lena@example.de"})
    assert submit(client, eservice).status_code == 302
    booking = Booking.objects.get(status=BookingStatus.CONFIRMED)
    assert booking.resident == Resident.objects.get(foreign_id=LENA.identifier)

    listing = client.get(reverse("portal:my_bookings"))
    assert reverse("portal:my_booking", args=[booking.pk]).encode() in listing.content
    assert client.get(reverse("portal:my_booking", args=[booking.pk])).status_code == 200
    rebooked = client.post(
        reverse("portal:my_booking_rebook", args=[booking.pk]), {"tid": "2026-05-05T08:00Z"}
    )
    assert rebooked.status_code == 302
    new = Booking.objects.get(status=BookingStatus.CONFIRMED)
    assert new.slot.starts_at.hour == 8 and new.resident == booking.resident
    assert client.post(reverse("portal:my_booking_cancel", args=[new.pk])).status_code == 302
    assert not Booking.objects.filter(status=BookingStatus.CONFIRMED).exists()
