"""Skicka without logging in is throttled per client: over the limit the
answer is a kind 429 with Retry-After, nothing is sent, and the answers stay."""

import pytest
from django.urls import reverse

from etjanst.cases.models import Case
from tests.eservices.factories import EServiceFactory
from tests.filling import form_state, post_step, start, submit

pytestmark = pytest.mark.django_db


def test_anonymous_skicka_is_throttled_per_client(client, settings):
    settings.ETJANST_RATE_SUBMISSIONS_PER_CLIENT = "2/h"
    eservice = EServiceFactory()
    for n in range(2):
        start(client, eservice)
        post_step(client, eservice, 1, {"q_rubrik": f"Lampa {n}"})
        assert "/kvitto/" in submit(client, eservice)["Location"]
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Lampa 3"})
    response = submit(client, eservice)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Case.objects.count() == 2
    assert form_state(client, eservice)["answers"]["rubrik"] == "Lampa 3"  # nothing lost


def test_a_form_sent_back_with_problems_does_not_count(client, settings):
    settings.ETJANST_RATE_SUBMISSIONS_PER_CLIENT = "1/h"
    eservice = EServiceFactory()
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Lampa"})
    for _ in range(3):  # a stale key: sent back to review, not counted
        client.post(reverse("portal:review", args=[eservice.slug]), {"submission_key": "x"})
    assert "/kvitto/" in submit(client, eservice)["Location"]
