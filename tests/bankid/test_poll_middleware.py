"""The waiting page's poll is answered before the session, CSRF, login and
CSP middleware (portal.middleware.BankIDPollMiddleware): the same answer as
the view, at half the cost (benchmark B4), without giving up the HTTPS
redirect, the Host check, the security headers or the language."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

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
    assert response.json() == {
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


def test_a_poll_that_succeeds_is_logged_at_debug_and_one_that_fails_at_info(
    client, collector_runs, caplog
):
    collector_runs.script(PERSONNUMMER, after_polls=2)
    status_url = start(client)
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="etjanst.access"):
        client.get(status_url)
        client.get(status_url, headers={"Host": "angripare.example"})
    levels = [(r.levelname, r.status) for r in caplog.records if r.name == "etjanst.access"]
    assert levels == [("DEBUG", 200), ("INFO", 400)]
