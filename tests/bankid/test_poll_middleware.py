"""The waiting page's poll is answered before the session, CSRF, login and
CSP middleware (portal.middleware.BankIDPollMiddleware): the same answer as
the view, at half the cost (benchmark B4), without giving up the HTTPS
redirect, the Host check, the security headers or the language."""

import logging
import time

import pytest
from django.test import Client
from django.urls import reverse
from prometheus_client import REGISTRY

from etjanst.portal.middleware import BANKID_STATUS_PATH
from tests.bankid import test_collector
from tests.bankid.test_collector import PERSONNUMMER, start

collector_runs = test_collector.collector_runs  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_path_is_the_views():
    assert reverse("portal:bankid_status") == BANKID_STATUS_PATH


def test_a_poll_by_key_touches_no_session_and_keeps_the_security_headers(
    client, collector_runs, django_assert_num_queries
):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    with django_assert_num_queries(1):  # the order's row, nothing else
        response = client.get(status_url)
    answer = response.json()
    assert len(answer.pop("qr")) == 5  # the QR contents (tests/bankid/test_poll_qr.py)
    assert answer == {
        "status": "pending",
        "message": "Starta BankID-appen.",
        "rfa": "RFA1",
        "next": "",
    }
    assert response["Content-Length"] == str(len(response.content))
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in response.headers  # neither session nor CSRF cookie
    assert "Content-Security-Policy" not in response.headers  # JSON: nothing to protect


def test_a_poll_is_in_the_residents_language(client, collector_runs, settings):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(status_url).json()["message"] == "Start your BankID app."


def test_a_poll_still_gets_the_https_redirect_and_the_host_check(client, collector_runs, settings):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    assert client.get(status_url, headers={"Host": "angripare.example"}).status_code == 400
    settings.SECURE_SSL_REDIRECT = True  # read when the middleware is made: a new client
    assert Client().get(status_url).status_code == 301


def test_without_bankid_or_without_a_key_the_poll_goes_the_usual_way(
    client, collector_runs, settings
):
    assert client.get(BANKID_STATUS_PATH).json()["status"] == "none"  # the session's order: none
    settings.ETJANST_EID_METHODS = []
    assert client.get(BANKID_STATUS_PATH + "?k=x").status_code == 404


def test_a_poll_that_succeeds_is_not_logged_and_one_that_fails_is_at_info(
    client, collector_runs, caplog
):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="etjanst.access"):
        client.get(status_url)
        client.get(status_url, headers={"Host": "angripare.example"})
    levels = [(r.levelname, r.status) for r in caplog.records if r.name == "etjanst.access"]
    assert levels == [("INFO", 400)]


# --- The front (BankIDPollFrontMiddleware, first of all middleware) ---------


def _count(status_class: str) -> float:
    labels = {"method": "GET", "route": "portal:bankid_status", "status": status_class}
    return REGISTRY.get_sample_value("etjanst_http_requests_total", labels) or 0.0


def test_the_front_is_the_first_middleware(settings):
    assert settings.MIDDLEWARE[0] == "etjanst.portal.middleware.BankIDPollFrontMiddleware"


def test_the_front_counts_a_poll_in_the_metrics_and_sends_a_request_id(client, collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    before = _count("2xx")
    response = client.get(status_url, headers={"X-Request-ID": "poll-abcdef12"})
    assert response.json()["status"] == "pending"
    assert _count("2xx") == before + 1
    assert response["X-Request-ID"] == "poll-abcdef12"
    assert response["Referrer-Policy"] == "same-origin"  # SecurityMiddleware's headers
    assert "Expires" in response.headers


def test_the_front_refuses_a_host_not_allowed_and_counts_it(client, collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    before = _count("4xx")
    assert client.get(status_url, headers={"Host": "angripare.example"}).status_code == 400
    assert _count("4xx") == before + 1  # the usual way: the request log counted it


def test_the_front_redirects_to_https_with_hsts_over_https(client, collector_runs, settings):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    fresh = Client()  # the middleware reads these when it is made
    redirect = fresh.get(status_url)
    assert redirect.status_code == 301
    assert redirect["Location"].startswith("https://")
    answer = fresh.get(status_url, secure=True)
    assert answer.json()["status"] == "pending"
    assert answer["Strict-Transport-Security"] == "max-age=3600"


def test_the_front_gives_the_overload_answer_to_a_poll_that_waited_too_long(
    client, collector_runs, settings
):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    settings.ETJANST_MAX_QUEUE_SECONDS = 5
    late = f"t={time.time() - 30:.3f}"
    response = client.get(status_url, headers={"X-Request-Start": late})
    assert response.status_code == 503
    assert response["Retry-After"]
    fresh = f"t={time.time():.3f}"
    assert client.get(status_url, headers={"X-Request-Start": fresh}).status_code == 200


def test_the_front_answers_in_english_when_chosen_and_swedish_otherwise(
    client, collector_runs, settings
):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(status_url).json()["message"] == "Start your BankID app."
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"  # unknown: the site's language
    assert client.get(status_url).json()["message"] == "Starta BankID-appen."


def test_an_ended_order_goes_the_usual_way(client, collector_runs):
    collector_runs.script(PERSONNUMMER, after_polls=0)
    status_url = start(client)
    test_collector.collect_once()
    answer = client.get(status_url).json()
    assert answer["status"] == "complete"
    assert answer["next"] == reverse("portal:bankid_wait")
