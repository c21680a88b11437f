"""A closed e-service: its intro page says so instead of offering Starta, and
starting it or going on with it is refused kindly (never a 500)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from etjanst.cases.models import Case
from etjanst.content.closures import closure_for
from tests.content.factories import OperatingMessageFactory
from tests.eservices.factories import EServiceFactory
from tests.filling import form_state, post_step, start

pytestmark = pytest.mark.django_db

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
START = dt.datetime(2026, 6, 1, 8, 0, tzinfo=STOCKHOLM)
END = dt.datetime(2026, 6, 3, 16, 30, tzinfo=STOCKHOLM)


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def eservice():
    return EServiceFactory(slug="parkeringstillstand", name="Parkeringstillstånd")


@pytest.fixture
def closure(eservice):
    return OperatingMessageFactory(
        closing=True,
        eservice=eservice,
        text="Vi byter system. E-tjänsten öppnar igen på onsdag.",
        starts_at=START,
        ends_at=END,
    )


@pytest.fixture
def while_closed(closure):
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        yield


def test_closure_for_gives_the_message_only_inside_the_window(eservice, closure):
    assert closure_for(eservice, START - dt.timedelta(seconds=1)) is None
    assert closure_for(eservice, START) == closure
    assert closure_for(eservice, END) is None
    assert closure_for(EServiceFactory(), START) is None


def test_a_message_that_does_not_close_is_no_closure(eservice):
    from etjanst.content.constants import Scope

    OperatingMessageFactory(scope=Scope.ESERVICE, eservice=eservice, starts_at=START, ends_at=END)
    assert closure_for(eservice, START) is None


def test_the_intro_page_shows_the_message_instead_of_the_start_button(client, while_closed):
    response = client.get(reverse("portal:intro", args=["parkeringstillstand"]))
    html = text(response)
    assert response.status_code == 200
    assert "Du kan inte använda e-tjänsten just nu." in html
    assert "Vi byter system." in html
    assert "Vi räknar med att den öppnar igen 3 juni kl. 16:30." in html
    assert reverse("portal:start", args=["parkeringstillstand"]) not in html
    assert ">Starta<" not in html
    assert html.count("Vi byter system.") == 1  # not again as a banner


def test_a_closed_eservice_cannot_be_started(client, while_closed, eservice):
    response = client.post(reverse("portal:start", args=[eservice.slug]))
    assert response.status_code == 503
    assert "E-tjänsten är stängd just nu" in text(response)
    assert "Vi byter system." in text(response)
    assert int(response["Retry-After"]) > 0
    assert form_state(client, eservice) is None


def test_a_form_in_progress_is_refused_kindly_and_kept(client, eservice, closure):
    closure.ends_at = START + dt.timedelta(hours=1)  # sessions last eight hours at most
    closure.save()
    with time_machine.travel(START - dt.timedelta(minutes=5), tick=False):
        start(client, eservice)
        assert form_state(client, eservice) is not None
    with time_machine.travel(START + dt.timedelta(minutes=5), tick=False):
        response = post_step(client, eservice, 1, {"q_rubrik": "Tillstånd"})
        assert response.status_code == 503
        assert "Det du har fyllt i finns kvar i webbläsaren" in text(response)
        assert client.get(reverse("portal:review", args=[eservice.slug])).status_code == 503
        assert client.post(reverse("portal:review", args=[eservice.slug])).status_code == 503
        assert form_state(client, eservice) is not None
    assert not Case.objects.exists()
    # Open again: the resident goes on where they were.
    with time_machine.travel(closure.ends_at + dt.timedelta(minutes=1), tick=False):
        response = post_step(client, eservice, 1, {"q_rubrik": "Tillstånd"})
        assert response.status_code == 302
        assert response.url == reverse("portal:review", args=[eservice.slug])


def test_after_the_window_the_eservice_starts_again(client, closure, eservice):
    with time_machine.travel(END, tick=False):
        assert ">Starta<" in text(client.get(reverse("portal:intro", args=[eservice.slug])))
        assert client.post(reverse("portal:start", args=[eservice.slug])).status_code == 302


def test_other_eservices_stay_open(client, while_closed):
    other = EServiceFactory()
    assert client.post(reverse("portal:start", args=[other.slug])).status_code == 302


def test_a_closure_without_an_end_says_try_later(client, eservice):
    OperatingMessageFactory(closing=True, eservice=eservice, text="Stängt", ends_at=None)
    response = client.post(reverse("portal:start", args=[eservice.slug]))
    assert response.status_code == 503
    assert "Försök igen senare." in text(response)
    assert "Retry-After" not in response
