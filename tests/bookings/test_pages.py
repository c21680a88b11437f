"""Booking inside an e-service and Mina bokningar, through the test client."""

import datetime

import pytest
from django.urls import reverse

from etjanst.bookings import actions
from etjanst.bookings.constants import BookingStatus
from etjanst.bookings.models import Booking, Slot
from etjanst.cases.models import Case
from etjanst.people.actions import resident_for
from tests.bookings.factories import ResourceFactory, booking_form
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit
from tests.login import ANNA, BERTIL, log_in

UTC = datetime.UTC
NOW = datetime.datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # Monday 08:00 local
TUESDAY_9 = datetime.datetime(2026, 5, 5, 7, 0, tzinfo=UTC)
TUESDAY_10 = datetime.datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def resource():
    # A fixed slug: published forms are cached by version id and publishing
    # time, both the same in every test under the frozen clock.
    return ResourceFactory(name="Budget- och skuldrådgivning", slug="radgivning")


@pytest.fixture
def eservice(resource):
    return EServiceFactory(form=booking_form(resource))


def test_a_time_picked_in_an_e_service_is_held_and_booked_with_the_case(client, eservice):
    log_in(client, ANNA)
    start(client, eservice)
    page = client.get(reverse("portal:step", args=[eservice.slug, 1]))
    assert b'value="2026-05-05T07:00Z"' in page.content
    assert b"tisdag 5 maj" in page.content
    response = post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:00Z"})
    assert response.status_code == 302
    held = Booking.objects.get()
    assert held.status == BookingStatus.HELD
    post_step(client, eservice, 2, {"q_epost": "anna@example.se"})
    assert submit(client, eservice).status_code == 302
    booking = Booking.objects.get()
    case = Case.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.case == case
    assert booking.resident == resident_for(person=ANNA)
    assert booking.email == "anna@example.se"
    listing = client.get(reverse("portal:my_bookings"))
    assert "Budget- och skuldrådgivning".encode() in listing.content
    overview = client.get(reverse("portal:my_pages"))
    assert reverse("portal:my_booking", args=[booking.pk]).encode() in overview.content


def test_a_time_someone_else_holds_is_not_offered_and_is_refused(client, eservice, resource):
    actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="someone-else")
    log_in(client, ANNA)
    start(client, eservice)
    page = client.get(reverse("portal:step", args=[eservice.slug, 1]))
    assert b'value="2026-05-05T07:00Z"' not in page.content
    response = post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:00Z"})
    assert response.status_code == 400
    assert "Tiden är tyvärr redan bokad".encode() in response.content


def test_when_the_hold_ran_out_and_the_time_was_taken_nothing_is_sent(
    client, eservice, resource, time_machine
):
    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:00Z"})
    post_step(client, eservice, 2, {"q_epost": "anna@example.se"})
    # Past the 15-minute hold, within the 20-minute idle login.
    time_machine.move_to(NOW + datetime.timedelta(minutes=16), tick=False)
    actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    response = submit(client, eservice)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:step", args=[eservice.slug, 1])
    assert Case.objects.count() == 0
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_abandoning_the_form_releases_the_held_time(client, eservice):
    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:00Z"})
    assert Slot.objects.get().booked == 1
    client.post(reverse("portal:cancel", args=[eservice.slug]))
    assert Slot.objects.get().booked == 0


def test_a_time_not_in_the_schedule_gets_a_clear_message(client, eservice):
    log_in(client, ANNA)
    start(client, eservice)
    response = post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:10Z"})
    assert response.status_code == 400
    assert b"Den tiden finns inte" in response.content
    response = post_step(client, eservice, 1, {"q_tid": "nonsens"})
    assert response.status_code == 400


def test_the_resident_cancels_and_rebooks_in_mina_bokningar(client, resource):
    booking = actions.book_slot(
        resource=resource, starts_at=TUESDAY_9, resident=resident_for(person=ANNA)
    )
    log_in(client, ANNA)
    rebook_url = reverse("portal:my_booking_rebook", args=[booking.pk])
    page = client.get(rebook_url)
    assert page.status_code == 200
    response = client.post(rebook_url, {"tid": "2026-05-05T08:00Z"})
    assert response.status_code == 302
    new = Booking.objects.get(status=BookingStatus.CONFIRMED)
    assert new.slot.starts_at == TUESDAY_10
    cancel_url = reverse("portal:my_booking_cancel", args=[new.pk])
    assert client.get(cancel_url).status_code == 200
    assert client.post(cancel_url).status_code == 302
    new.refresh_from_db()
    assert new.status == BookingStatus.CANCELLED
    listing = client.get(reverse("portal:my_bookings"))
    assert b"Avbokad" in listing.content


def test_after_the_deadline_the_page_says_so_and_changes_nothing(client, resource, time_machine):
    booking = actions.book_slot(
        resource=resource, starts_at=TUESDAY_9, resident=resident_for(person=ANNA)
    )
    time_machine.move_to(TUESDAY_9 - datetime.timedelta(hours=2), tick=False)
    log_in(client, ANNA)
    response = client.post(reverse("portal:my_booking_cancel", args=[booking.pk]), follow=True)
    assert "Det går inte längre att avboka".encode() in response.content
    response = client.post(
        reverse("portal:my_booking_rebook", args=[booking.pk]), {"tid": "2026-05-05T08:00Z"}
    )
    assert "Det går inte längre att avboka".encode() in response.content
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize("name", ["my_booking", "my_booking_cancel", "my_booking_rebook"])
def test_another_persons_booking_is_a_404(client, resource, name):
    booking = actions.book_slot(
        resource=resource, starts_at=TUESDAY_9, resident=resident_for(person=BERTIL)
    )
    resident_for(person=ANNA)
    log_in(client, ANNA)
    url = reverse(f"portal:{name}", args=[booking.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"tid": "2026-05-05T08:00Z"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_mina_bokningar_needs_a_login(client):
    response = client.get(reverse("portal:my_bookings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_mina_bokningar_reads_a_bounded_number_of_queries(
    client, resource, django_assert_max_num_queries
):
    anna = resident_for(person=ANNA)
    actions.book_slot(resource=resource, starts_at=TUESDAY_9, resident=anna)
    log_in(client, ANNA)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal:my_bookings"))
    for i in range(1, 6):
        actions.book_slot(
            resource=resource,
            starts_at=TUESDAY_9 + datetime.timedelta(minutes=30 * i),
            resident=anna,
        )
    with django_assert_max_num_queries(len(one)):
        page = client.get(reverse("portal:my_bookings"))
    assert page.content.count(b"Budget- och skuldr") >= 6


def test_the_booking_page_offers_the_calendar_file(client, resource):
    from icalendar import Calendar

    booking = actions.book_slot(
        resource=resource, starts_at=TUESDAY_9, resident=resident_for(person=ANNA)
    )
    log_in(client, ANNA)
    url = reverse("portal:my_booking_calendar", args=[booking.pk])
    assert url.encode() in client.get(reverse("portal:my_booking", args=[booking.pk])).content
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    assert "attachment" in answer["Content-Disposition"]
    event = Calendar.from_ical(answer.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == TUESDAY_9
    assert str(event["summary"]).startswith("Budget- och skuldrådgivning")
    assert str(event["status"]) == "CONFIRMED"
    assert ANNA.personnummer.encode() not in answer.content


def test_another_persons_calendar_file_is_a_404(client, resource):
    booking = actions.book_slot(
        resource=resource, starts_at=TUESDAY_9, resident=resident_for(person=BERTIL)
    )
    log_in(client, ANNA)
    assert client.get(reverse("portal:my_booking_calendar", args=[booking.pk])).status_code == 404
    client.post(reverse("portal:logout"))
    answer = client.get(reverse("portal:my_booking_calendar", args=[booking.pk]))
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("portal:login"))
