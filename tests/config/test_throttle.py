"""What anyone can send without logging in is throttled: per client (and,
for Skicka, per e-service), with a kind Swedish page, 429 and Retry-After;
what was written is kept; only accepted sends count; a logged-in visitor is
not limited; the counts live in the cache that web processes share."""

import datetime
import uuid

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from etjanst.config.throttle import Limit, by_view_kwarg, throttle
from etjanst.diarium.models import DocumentRequest
from tests.login import log_in
from tests.organisation.factories import CommitteeFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def committee():
    return CommitteeFactory(name="Kommunstyrelsen", prefix="KS")


def ask(client, n, address="192.0.2.10", **extra):
    return client.post(
        reverse("portal:document_request"),
        {
            "wanted": f"Handling nummer {n}",
            "delivery": "email",
            "contact_email": "x@example.se",
            "key": str(uuid.uuid4()),
            **extra,
        },
        REMOTE_ADDR=address,
    )


def test_requests_for_documents_per_client(client, committee, settings, time_machine):
    settings.ETJANST_RATE_DOCUMENT_REQUESTS = "3/h"
    for n in range(3):
        assert ask(client, n).status_code == 302
    refused = ask(client, 99)
    assert refused.status_code == 429
    retry = int(refused["Retry-After"])
    assert 0 < retry <= 3600
    html = refused.content.decode()
    assert "Vänta en stund innan du skickar" in html
    assert "tryck på Skicka igen efter klockan 13:" in html  # Stockholm time
    assert "Handling nummer 99" in html  # what was written is still in the form
    assert DocumentRequest.objects.count() == 3
    assert ask(client, 5, address="192.0.2.11").status_code == 302  # another client
    # When the window has passed, the first client may send again.
    time_machine.move_to(NOW + datetime.timedelta(seconds=retry + 1), tick=False)
    assert ask(client, 6).status_code == 302


def test_a_form_with_errors_does_not_count(client, committee, settings):
    settings.ETJANST_RATE_DOCUMENT_REQUESTS = "2/h"
    for _ in range(5):
        assert ask(client, 1, wanted="").status_code == 400  # corrected, not counted
    assert ask(client, 1).status_code == 302
    assert ask(client, 2).status_code == 302
    assert ask(client, 3).status_code == 429


def test_a_logged_in_visitor_is_not_throttled(client, committee, settings):
    settings.ETJANST_RATE_DOCUMENT_REQUESTS = "1/h"
    log_in(client)
    for n in range(3):
        assert ask(client, n).status_code == 302


def test_the_counts_live_in_the_shared_cache(client, committee, settings):
    """A second web process sees the same counts: the limiter keeps nothing
    in the process, only in the configured cache."""
    settings.ETJANST_RATE_DOCUMENT_REQUESTS = "1/h"
    assert ask(client, 1).status_code == 302
    caches["default"].clear()  # as if another cache: the count is gone …
    assert ask(client, 2).status_code == 302  # … so the limit is the cache's


def test_the_decorator_per_eservice_with_the_default_page(settings, rf: RequestFactory):
    """The decorator as the Skicka view will use it: per client and per
    e-service (from the URL), the kind 429 page when nothing is passed."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import ResolverMatch

    settings.ETJANST_RATE_SUBMISSIONS_PER_CLIENT = "5/h"
    settings.ETJANST_RATE_SUBMISSIONS_PER_ESERVICE = "2/h"

    @throttle(
        "test-submission",
        Limit("ETJANST_RATE_SUBMISSIONS_PER_CLIENT"),
        Limit("ETJANST_RATE_SUBMISSIONS_PER_ESERVICE", key=by_view_kwarg("slug")),
    )
    def submit(request, slug):
        return HttpResponse(status=302)

    def post(slug, address):
        request = rf.post(f"/e-tjanster/{slug}/skicka/", REMOTE_ADDR=address)
        request.session = SessionStore()
        request.user = AnonymousUser()
        request.resolver_match = ResolverMatch(submit, (), {"slug": slug})
        return submit(request, slug=slug)

    assert post("parkering", "192.0.2.1").status_code == 302
    assert post("parkering", "192.0.2.2").status_code == 302
    refused = post("parkering", "192.0.2.3")  # the e-service's limit, from anyone
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Vänta en stund" in refused.content.decode()
    assert "finns dina svar kvar" in refused.content.decode()
    assert post("felanmalan", "192.0.2.3").status_code == 302  # another e-service


def test_only_what_the_view_accepted_counts(settings, rf: RequestFactory):
    """Skicka's view also redirects back to the review page (answers changed):
    `accepted` tells a received case (a redirect to its receipt) from that."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    settings.ETJANST_RATE_SUBMISSIONS_PER_CLIENT = "1/h"
    location = {"next": "/e-tjanster/x/granska/"}

    @throttle(
        "test-accepted",
        Limit("ETJANST_RATE_SUBMISSIONS_PER_CLIENT"),
        accepted=lambda response: "/kvitto/" in response.get("Location", ""),
    )
    def review(request):
        response = HttpResponse(status=302)
        response["Location"] = location["next"]
        return response

    def post():
        request = rf.post("/e-tjanster/x/granska/", REMOTE_ADDR="192.0.2.9")
        request.session = SessionStore()
        request.user = AnonymousUser()
        return review(request)

    for _ in range(3):
        assert post().status_code == 302  # back to the review page: not counted
    location["next"] = "/e-tjanster/x/kvitto/abc/"
    assert post().status_code == 302  # a case received: counted
    assert post().status_code == 429
