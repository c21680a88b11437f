"""After a lost race for a time, the page lists only times that can still
be had; the time the resident's own form holds stays listed and chosen."""

import datetime

import pytest
from django.urls import reverse

from etjanst.bookings import actions
from tests.bookings.factories import ResourceFactory, booking_form
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start, submit
from tests.login import ANNA, log_in

UTC = datetime.UTC
NOW = datetime.datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # Monday 08:00 local
TUESDAY_9 = datetime.datetime(2026, 5, 5, 7, 0, tzinfo=UTC)
LOST = 'value="2026-05-05T07:00Z"'
OTHER = 'value="2026-05-05T07:30Z"'
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def resource():
    return ResourceFactory(name="Budget- och skuldrådgivning", slug="radgivning")


@pytest.fixture
def eservice(resource):
    return EServiceFactory(form=booking_form(resource))


def test_the_time_just_lost_is_not_offered_again(client, eservice, resource):
    log_in(client, ANNA)
    start(client, eservice)
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert LOST in page
    actions.hold_slot(resource=resource, starts_at=TUESDAY_9, hold_key="someone-else")
    lost = post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:00Z"})
    assert lost.status_code == 400
    html = lost.content.decode()
    assert "Tiden är tyvärr redan bokad" in html
    assert LOST not in html
    assert OTHER in html


def test_the_time_the_form_holds_stays_listed_and_chosen(client, eservice):
    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:00Z"})
    html = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert f"{LOST} checked" in html


def test_after_losing_the_time_at_submit_it_is_not_offered(
    client, eservice, resource, time_machine
):
    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_tid": "2026-05-05T07:00Z"})
    post_step(client, eservice, 2, {"q_epost": "anna@example.se"})
    time_machine.move_to(NOW + datetime.timedelta(minutes=16), tick=False)  # the hold ran out
    actions.book_slot(resource=resource, starts_at=TUESDAY_9)
    response = submit(client, eservice)
    assert response["Location"] == reverse("portal:step", args=[eservice.slug, 1])
    html = client.get(response["Location"]).content.decode()
    assert LOST not in html and OTHER in html
