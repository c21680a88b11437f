"""The step page says what logging in gives before the resident has lost
anything: Spara is only there for a logged-in resident."""

import pytest
from django.urls import reverse

from tests.eservices.factories import EServiceFactory
from tests.filling import start
from tests.login import log_in

pytestmark = pytest.mark.django_db

HINT = "Vill du kunna spara och fortsätta senare?"


def step_1(client, eservice) -> str:
    start(client, eservice)
    return client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()


def test_without_a_login_the_step_says_logging_in_lets_you_save(client):
    eservice = EServiceFactory(login="optional")
    html = step_1(client, eservice)
    step = reverse("portal:step", args=[eservice.slug, 1])
    assert HINT in html
    assert f'href="{reverse("portal:login")}?next={step}"' in html
    assert 'value="save"' not in html


def test_a_logged_in_resident_gets_spara_and_no_login_hint(client):
    eservice = EServiceFactory(login="optional")
    log_in(client)
    html = step_1(client, eservice)
    assert 'value="save"' in html and HINT not in html


def test_an_eservice_without_login_says_the_answers_are_not_saved(client):
    eservice = EServiceFactory(login="none")
    html = step_1(client, eservice)
    assert HINT not in html
    assert "Det går inte att spara i den här e-tjänsten" in html
