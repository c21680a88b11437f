"""The change deadline is said where times are picked and before the
resident confirms: a time that could no longer be cancelled or rebooked once
booked is marked in the picker (in the e-service and when rebooking), and
the review page says so when it has already passed."""

import datetime
import re

import pytest
from django.urls import reverse

from etjanst.bookings import actions
from etjanst.people.actions import resident_for
from tests.bookings.factories import ResourceFactory, booking_form
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start
from tests.login import ANNA, log_in

UTC = datetime.UTC
NOW = datetime.datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # Monday 08:00 local
TODAY_10 = "2026-05-04T08:00Z"  # Monday 10:00 local: 2 hours ahead, inside 24 hours
TUESDAY_11 = "2026-05-05T09:00Z"  # 27 hours ahead: can be changed until Monday 11:00
LOCKED = "kan inte avbokas"
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def resource():
    return ResourceFactory(name="Budget- och skuldrådgivning", slug="radgivning")


@pytest.fixture
def eservice(resource):
    return EServiceFactory(form=booking_form(resource), login="optional")


def label_of(html: str, value: str) -> str:
    after = html[html.index(f'value="{value}"') :]
    return re.sub(r"<[^>]+>", "", after[: after.index("</label>")])


def test_the_picker_says_the_deadline_and_marks_times_locked_at_once(client, eservice):
    log_in(client, ANNA)
    start(client, eservice)
    html = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert "Du kan avboka eller boka om fram till 24 timmar före tiden" in html
    assert LOCKED in label_of(html, TODAY_10)
    assert LOCKED not in label_of(html, TUESDAY_11)


def test_without_a_login_the_picker_says_a_login_is_needed_to_change(client, eservice):
    start(client, eservice)
    html = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert "Då behöver du vara inloggad när du bokar." in html


def test_the_review_says_when_the_chosen_time_cannot_be_changed(client, eservice):
    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_tid": TODAY_10})
    post_step(client, eservice, 2, {"q_epost": "anna@example.se"})
    review = client.get(reverse("portal:review", args=[eservice.slug])).content.decode()
    assert "kan du inte avboka eller boka om på webben" in review
    assert "mindre än 24 timmar kvar" in review


def test_the_review_says_until_when_the_chosen_time_can_be_changed(client, eservice):
    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_tid": TUESDAY_11})
    post_step(client, eservice, 2, {"q_epost": "anna@example.se"})
    review = client.get(reverse("portal:review", args=[eservice.slug])).content.decode()
    assert "kan du avboka eller boka om fram till måndag 4 maj kl. 11:00" in review
    assert "kan du inte avboka" not in review


def test_the_rebook_page_marks_the_times_that_would_be_locked(client, resource):
    booking = actions.book_slot(
        resource=resource,
        starts_at=datetime.datetime(2026, 5, 7, 7, 0, tzinfo=UTC),
        resident=resident_for(person=ANNA),
    )
    log_in(client, ANNA)
    html = client.get(reverse("portal:my_booking_rebook", args=[booking.pk])).content.decode()
    assert "Du kan avboka eller boka om fram till 24 timmar före tiden" in html
    assert LOCKED in label_of(html, TODAY_10)
    assert LOCKED not in label_of(html, TUESDAY_11)
