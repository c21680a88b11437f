"""Overload: a kind Swedish "many are using the service right now" page
(503 + Retry-After) at once instead of a timeout, and never for answers
already on their way."""

import threading
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import reverse

from etjanst.cases.models import Case
from etjanst.portal.middleware import OverloadGuardMiddleware
from tests.eservices.factories import EServiceFactory

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [{"id": "namn", "type": "short_text", "label": "Namn", "required": True}],
        }
    ]
}


@pytest.fixture(autouse=True)
def _fresh_counts():
    cache.clear()
    yield
    cache.clear()


def start(client, eservice):
    return client.post(reverse("portal:start", args=[eservice.slug]), {"anonymous": "no"})


def answer(client, eservice, **headers):
    return client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_namn": "Testa", "shown": ["namn"]},
        headers=headers,
    )


def send(client, eservice, **headers):
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    key = review.context["submission_key"]
    return client.post(
        reverse("portal:review", args=[eservice.slug]), {"submission_key": key}, headers=headers
    )


def assert_busy(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Många använder e-tjänsterna just nu" in page
    assert "Vänta en minut och försök igen." in page
    assert "Traceback" not in page


def test_past_an_eservices_start_limit_new_residents_get_the_kind_page_and_others_go_on(
    settings, client, django_user_model
):
    settings.ETJANST_START_LIMITS = {"*": 1}
    eservice = EServiceFactory(form=FORM)
    assert start(client, eservice).status_code == 302  # the first one this minute
    latecomer = type(client)()
    assert_busy(start(latecomer, eservice))
    # The resident who started first answers and sends, undisturbed.
    assert answer(client, eservice).status_code == 302
    assert send(client, eservice).status_code == 302
    assert Case.objects.count() == 1
    # Another e-service has its own count.
    assert start(latecomer, EServiceFactory(form=FORM)).status_code == 302


def test_an_eservice_can_have_its_own_start_limit(settings, client):
    popular, quiet = EServiceFactory(form=FORM), EServiceFactory(form=FORM)
    settings.ETJANST_START_LIMITS = {popular.slug: 1}
    start(client, popular)
    assert_busy(start(type(client)(), popular))
    for _ in range(3):
        assert start(type(client)(), quiet).status_code == 302


def test_a_request_that_waited_too_long_in_the_queue_gets_the_kind_page_at_once(settings, client):
    settings.ETJANST_MAX_QUEUE_SECONDS = 5
    waited = f"t={time.time() - 8:.3f}"  # nginx: $msec
    assert_busy(client.get("/", headers={"X-Request-Start": waited}))
    assert client.get("/", headers={"X-Request-Start": f"t={time.time():.3f}"}).status_code == 200
    in_ms = f"t={int((time.time() - 8) * 1000)}"
    assert_busy(client.get("/", headers={"X-Request-Start": in_ms}))
    assert client.get("/halsa/", headers={"X-Request-Start": waited}).status_code == 200
    assert client.get("/", headers={"X-Request-Start": "t=nonsense"}).status_code == 200


def test_answers_and_a_submission_on_their_way_are_never_turned_away(settings, client):
    eservice = EServiceFactory(form=FORM)
    start(client, eservice)
    settings.ETJANST_MAX_QUEUE_SECONDS = 1
    late = {"X-Request-Start": f"t={time.time() - 30:.3f}"}
    assert answer(client, eservice, **late).status_code == 302
    assert send(client, eservice, **late).status_code == 302
    assert Case.objects.count() == 1


def test_the_kind_page_is_in_english_for_who_chose_english(settings, client):
    settings.ETJANST_MAX_QUEUE_SECONDS = 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/", headers={"X-Request-Start": f"t={time.time() - 30:.3f}"})
    assert response.status_code == 503
    assert "Many people are using the e-services right now" in response.content.decode()


def test_a_process_at_its_concurrency_limit_answers_the_kind_page_at_once(settings, rf):
    settings.ETJANST_MAX_CONCURRENT_REQUESTS = 1
    inside, release = threading.Event(), threading.Event()

    def slow_view(request):
        inside.set()
        release.wait(10)
        return HttpResponse("ok")

    guard = OverloadGuardMiddleware(slow_view)
    first = threading.Thread(target=guard, args=(rf.get("/"),))
    first.start()
    assert inside.wait(10)
    started = time.monotonic()
    assert_busy(guard(rf.get("/")))  # answered at once, not queued behind the first
    assert time.monotonic() - started < 5
    # A POST (answers on their way) is served even now.
    posted = rf.post("/e-tjanster/x/steg/1/")
    guard.get_response = lambda request: HttpResponse("served")
    assert guard(posted).content == b"served"
    release.set()
    first.join(10)
    assert guard.in_flight == 0
