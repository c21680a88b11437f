"""Avbryt och ta bort mina svar: the step links to a page that asks first
(no JavaScript needed); only the POST from that page removes the answers."""

import pytest
from django.urls import reverse

from etjanst.submissions.models import Draft
from tests.eservices.factories import EServiceFactory
from tests.filling import form_state, post_step, start
from tests.login import log_in

pytestmark = pytest.mark.django_db

TWO_STEPS = {
    "steps": [
        {
            "id": "ett",
            "title": "Ett",
            "questions": [{"id": "rubrik", "type": "short_text", "label": "Rubrik"}],
        },
        {
            "id": "tva",
            "title": "Två",
            "questions": [{"id": "mer", "type": "short_text", "label": "Mer"}],
        },
    ]
}


def test_cancel_asks_first_and_keeps_the_answers_until_confirmed(client):
    eservice = EServiceFactory(form=TWO_STEPS)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Min lampa"})
    step = client.get(reverse("portal:step", args=[eservice.slug, 2])).content.decode()
    cancel_url = reverse("portal:cancel", args=[eservice.slug])
    assert f'href="{cancel_url}?steg=2"' in step
    assert f'action="{cancel_url}"' not in step  # no button on the step removes anything

    page = client.get(f"{cancel_url}?steg=2")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ta bort dina svar?" in html and "Det går inte att ångra" in html
    assert f'href="{reverse("portal:step", args=[eservice.slug, 2])}"' in html  # Nej
    assert form_state(client, eservice)["answers"]["rubrik"] == "Min lampa"

    done = client.post(cancel_url, follow=True)
    assert "Dina svar är borttagna" in done.content.decode()
    assert form_state(client, eservice) is None


@pytest.mark.parametrize("steg", ["9", "0", "x", "-1", "2"])
def test_the_way_back_is_a_step_the_resident_may_open(client, steg):
    eservice = EServiceFactory(form=TWO_STEPS)
    start(client, eservice)  # nothing answered: step 2 may not be opened yet
    page = client.get(reverse("portal:cancel", args=[eservice.slug]), {"steg": steg})
    assert page.status_code == 200
    assert f'href="{reverse("portal:step", args=[eservice.slug, 1])}"' in page.content.decode()


def test_cancel_without_a_form_goes_to_the_intro(client):
    eservice = EServiceFactory()
    response = client.get(reverse("portal:cancel", args=[eservice.slug]))
    assert response["Location"] == reverse("portal:intro", args=[eservice.slug])


def test_cancelling_a_saved_draft_says_it_is_kept(client):
    eservice = EServiceFactory(form=TWO_STEPS, login="optional")
    log_in(client)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Sparad", "action": "save"})
    page = client.get(reverse("portal:cancel", args=[eservice.slug])).content.decode()
    assert "Sluta fylla i?" in page and "finns kvar under Mina sidor" in page
    client.post(reverse("portal:cancel", args=[eservice.slug]))
    assert Draft.objects.get().answers["rubrik"] == "Sparad"
