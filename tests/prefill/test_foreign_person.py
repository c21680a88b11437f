"""A foreign person (eIDAS, no Swedish personnummer) on the e-services that
prefill from the population register: the register is never asked, the
form starts and says what to fill in by hand, and the intro says it first."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from etjanst.eservices.models import EService
from etjanst.eservices.prefilled import PREFILL_KEY
from etjanst.prefill.base import PrefillUnavailable
from etjanst.prefill.registry import prefill_sources
from tests.eservices.factories import EServiceFactory
from tests.filling import form_state, start
from tests.prefill.conftest import PREFILL_FORM
from tests.saml.foreign import foreign_login

pytestmark = pytest.mark.django_db

BY_HAND = "Du loggade in med en e-legitimation utan svenskt personnummer"


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())


@pytest.mark.parametrize(
    "slug", ["ansokan-om-plats-i-fritidshem", "boka-budget-och-skuldradgivning"]
)
def test_a_foreign_person_starts_a_demo_eservice_that_prefills(client, saml, navet, demo, slug):
    eservice = EService.objects.get(slug=slug)
    foreign_login(client, saml)
    intro = client.get(reverse("portal:intro", args=[slug])).content.decode()
    assert "utan svenskt personnummer" in intro and "fyller du i dina uppgifter själv" in intro
    start(client, eservice)
    page = client.get(reverse("portal:step", args=[slug, 1]))
    assert page.status_code == 200
    assert navet.requests == 0  # the register was never asked
    marks = form_state(client, eservice)["answers"][PREFILL_KEY]
    assert marks["notice"] == "no_personnummer" and marks["locked"] == {}


def test_a_foreign_person_fills_in_by_hand_what_the_register_would_give(client, saml, navet, demo):
    eservice = EService.objects.get(slug="ansokan-om-plats-i-fritidshem")
    foreign_login(client, saml)
    start(client, eservice)
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert BY_HAND in page
    assert "readonly" not in page  # nothing locked: the name and address are typed in
    assert "Hämtat från folkbokföringen" not in page
    assert navet.requests == 0


@pytest.mark.parametrize("identifier", [None, "", "DE:4f1c9a2b7e", "19850412"])
def test_navet_is_never_asked_about_anything_but_a_personnummer(navet, identifier):
    with pytest.raises(PrefillUnavailable):
        prefill_sources["navet"].fetch(identifier)
    assert navet.requests == 0


@pytest.mark.parametrize("login", ["optional", "required"])
def test_the_intro_tells_before_login_what_a_foreign_eid_means(client, login):
    eservice = EServiceFactory(form=PREFILL_FORM, login=login)
    intro = client.get(reverse("portal:intro", args=[eservice.slug])).content.decode()
    assert "utländsk e-legitimation utan svenskt personnummer kan du också" in intro
    assert "fyller du i dina uppgifter själv" in intro
