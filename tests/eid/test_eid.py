"""E-ID in the platform: who is logged in, login per e-service, next
addresses, idle expiry, the client address sent to BankID."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from etjanst.eid.session import PERSON_KEY, client_ip, safe_next
from tests.eservices.factories import EServiceFactory
from tests.filling import form_state
from tests.login import log_in

pytestmark = pytest.mark.django_db


def test_login_rotates_the_session_key_and_logout_forgets_everything(client):
    eservice = EServiceFactory()
    client.post(reverse("portal:start", args=[eservice.slug]))
    before = client.session.session_key
    after = log_in(client)
    assert after != before
    page = client.get("/").content.decode()
    assert "Inloggad som Anna Testsson" in page
    assert "198105082393" not in page
    client.post(reverse("portal:logout"))
    assert PERSON_KEY not in client.session
    assert "Inloggad som" not in client.get("/").content.decode()


def test_login_page_lists_enabled_methods_in_swedish(client, settings):
    page = client.get(reverse("portal:login"), {"next": "/e-tjanster/x/"}).content.decode()
    assert "Logga in med e-legitimation" in page
    assert "BankID" in page and "next=%2Fe-tjanster%2Fx%2F" in page
    settings.ETJANST_EID_METHODS = []
    assert (
        "Det går inte att logga in just nu" in client.get(reverse("portal:login")).content.decode()
    )
    assert client.get(reverse("portal:bankid")).status_code == 404


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        ("/e-tjanster/a/", "/e-tjanster/a/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
        (None, "/"),
    ],
)
def test_next_never_leaves_the_site(candidate, expected):
    request = RequestFactory().get("/")
    assert safe_next(request, candidate) == expected


def test_a_logged_in_resident_is_sent_on_from_the_login_page(client):
    log_in(client)
    response = client.get(reverse("portal:login"), {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    response = client.get(reverse("portal:login"), {"next": "/e-tjanster/x/"})
    assert response["Location"] == "/e-tjanster/x/"


def test_an_eservice_that_requires_login_sends_the_resident_to_log_in_and_back(client):
    eservice = EServiceFactory(login="required")
    intro = reverse("portal:intro", args=[eservice.slug])
    assert "Logga in och starta" in client.get(intro).content.decode()
    response = client.post(reverse("portal:start", args=[eservice.slug]))
    assert response["Location"] == f"{reverse('portal:login')}?next={intro.replace('/', '%2F')}"
    assert form_state(client, eservice) is None
    response = client.get(reverse("portal:step", args=[eservice.slug, 1]))
    assert response["Location"].startswith(reverse("portal:login"))
    log_in(client)
    response = client.post(reverse("portal:start", args=[eservice.slug]))
    assert response["Location"].endswith("/steg/1/")


def test_identity_questions_take_the_logged_in_persons_details(client):
    form = {
        "steps": [
            {
                "id": "vem",
                "title": "Vem är du?",
                "questions": [
                    {
                        "id": "pnr",
                        "type": "personnummer",
                        "label": "Personnummer",
                        "from_login": True,
                    },
                    {"id": "kontakt", "type": "contact", "label": "Kontakt", "from_login": True},
                    {"id": "annat", "type": "short_text", "label": "Annat"},
                ],
            }
        ]
    }
    eservice = EServiceFactory(form=form, login="optional")
    log_in(client)
    client.post(reverse("portal:start", args=[eservice.slug]))
    assert form_state(client, eservice)["answers"] == {
        "pnr": "198105082393",
        "kontakt": {"name": "Anna Testsson"},
    }
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert 'value="198105082393"' in page and 'value="Anna Testsson"' in page


def test_an_idle_session_ends(client, settings, time_machine):
    time_machine.move_to("2026-11-26 10:00 +01:00")
    log_in(client)
    time_machine.move_to("2026-11-26 10:19 +01:00")
    page = client.get("/").content.decode()
    assert "Inloggad som Anna Testsson" in page
    assert 'data-expires-in="' in page
    time_machine.move_to("2026-11-26 10:40 +01:00")  # 21 minutes after the last request
    page = client.get("/").content.decode()
    assert "Inloggad som" not in page
    assert "inte har varit aktiv" in page


def test_keep_alive_extends_the_session(client, time_machine):
    time_machine.move_to("2026-11-26 10:00 +01:00")
    log_in(client)
    time_machine.move_to("2026-11-26 10:18 +01:00")
    response = client.post(reverse("portal:keep_alive"), HTTP_ACCEPT="application/json")
    assert response.json() == {"logged_in": True}
    time_machine.move_to("2026-11-26 10:35 +01:00")
    assert "Inloggad som Anna Testsson" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.5", "", [], "203.0.113.5"),
        (
            "203.0.113.5",
            "198.51.100.7",
            [],
            "203.0.113.5",
        ),  # an untrusted client cannot claim another address
        ("10.0.0.2", "198.51.100.7", ["10.0.0.2"], "198.51.100.7"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3", ["10.0.0.2", "10.0.0.3"], "198.51.100.7"),
    ],
)
def test_client_ip_believes_only_trusted_proxies(settings, remote, forwarded, trusted, expected):
    settings.ETJANST_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
