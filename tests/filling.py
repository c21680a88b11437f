"""Helpers that fill in an e-service through the test client, as a browser
without JavaScript would."""

from django.urls import reverse

from etjanst.eservices.models import EService


def start(client, eservice: EService):
    # (An e-service that offers anonymity asks first: here, not anonymous.)
    response = client.post(reverse("portal:start", args=[eservice.slug]), {"anonymous": "no"})
    assert response.status_code == 302, response
    return response


def post_step(client, eservice: EService, number: int, data: dict, *, shown=None, **extra):
    """POST one step; `shown` defaults to every question id in the data."""
    payload = dict(data)
    if shown is None:
        shown = sorted({key[2:].split("__")[0] for key in data if key.startswith("q_")})
    payload["shown"] = shown
    return client.post(reverse("portal:step", args=[eservice.slug, number]), payload, **extra)


def submit(client, eservice: EService):
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    assert review.status_code == 200, review
    key = review.context["submission_key"]
    return client.post(reverse("portal:review", args=[eservice.slug]), {"submission_key": key})


def form_state(client, eservice: EService) -> dict | None:
    return client.session.get("etjanst_forms", {}).get(eservice.slug)
