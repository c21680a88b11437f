"""Logging in with BankID through our pages, against the simulator over
HTTPS with mutual TLS: the production client code is what runs."""

import pytest
from django.test import Client
from django.urls import reverse

from etjanst.eid.session import PERSON_KEY

pytestmark = pytest.mark.django_db

PERSONNUMMER = "198105082393"  # Skatteverket's test number


def start(client, *, device="other", next_url="/e-tjanster/x/"):
    return client.post(reverse("portal:bankid_start"), {"device": device, "next": next_url})


def poll_until_done(client, limit=10):
    for _ in range(limit):
        data = client.get(reverse("portal:bankid_status")).json()
        if data["status"] != "pending":
            return data
    raise AssertionError(f"still pending: {data}")


def test_mobile_bankid_login_lands_where_the_resident_was(client, bankid):
    choice = client.get(reverse("portal:bankid"), {"next": "/e-tjanster/x/"}).content.decode()
    assert "Vill du använda BankID på den här enheten eller på en annan enhet?" in choice
    bankid.script(PERSONNUMMER, after_polls=1, name="Anna Testsson")
    client.get("/")
    before = client.session.session_key
    assert start(client)["Location"] == reverse("portal:bankid_wait")
    wait = client.get(reverse("portal:bankid_wait"))
    html = wait.content.decode()
    assert "<svg" in html and "QR-kod" in html
    assert (
        "qrStartSecret" not in html
        and client.session["etjanst_bankid_order"]["qr_start_secret"] not in html
    )
    qr = client.get(reverse("portal:bankid_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    done = poll_until_done(client)
    # After the order ends, a QR refresh still in flight gets "nothing new".
    assert client.get(reverse("portal:bankid_qr")).status_code == 204
    assert done == {
        "status": "complete",
        "message": "Du är inloggad.",
        "rfa": "",
        "next": "/e-tjanster/x/",
    }
    assert client.session[PERSON_KEY]["personnummer"] == PERSONNUMMER
    assert client.session.session_key != before
    assert "Inloggad som Anna Testsson" in client.get("/").content.decode()


def test_the_waiting_page_works_without_javascript(client, bankid):
    bankid.script(PERSONNUMMER, after_polls=1)
    start(client)
    first = client.get(reverse("portal:bankid_wait"))
    assert '<meta http-equiv="refresh" content="2">' in first.content.decode()
    for _ in range(5):
        response = client.get(reverse("portal:bankid_wait"))
        if response.status_code == 302:
            break
    assert response["Location"] == "/e-tjanster/x/"
    assert PERSON_KEY in client.session


def test_the_same_device_flow_checks_the_nonce_on_return(client, bankid):
    bankid.script(PERSONNUMMER, after_polls=6)  # the app has not picked it up yet
    start(client, device="this")
    order = client.session["etjanst_bankid_order"]
    page = client.get(reverse("portal:bankid_wait")).content.decode()
    assert f"autostarttoken={order['auto_start_token']}" in page
    assert "Försöker starta BankID-appen." in page
    wrong = client.get(reverse("portal:bankid_return"), {"nonce": "fel"}, follow=True)
    assert "kunde inte kopplas till den här webbläsaren" in wrong.content.decode()
    right = client.get(reverse("portal:bankid_return"), {"nonce": order["nonce"]})
    assert right["Location"] == reverse("portal:bankid_wait")


def test_cancel_cancels_the_order_at_bankid(client, bankid):
    start(client)
    order_ref = client.session["etjanst_bankid_order"]["order_ref"]
    response = client.post(reverse("portal:bankid_cancel"), follow=True)
    assert "Inloggningen avbröts." in response.content.decode()
    assert bankid.orders[order_ref].status == "failed"
    assert bankid.orders[order_ref].hint_code == "cancelled"
    assert "etjanst_bankid_order" not in client.session


def test_another_session_cannot_collect_or_cancel_my_order(client, bankid):
    bankid.script(PERSONNUMMER, after_polls=0)
    start(client)
    stranger = Client()
    assert stranger.get(reverse("portal:bankid_status")).json()["status"] == "none"
    stranger.post(reverse("portal:bankid_cancel"))
    assert poll_until_done(client)["status"] == "complete"
    assert PERSON_KEY not in stranger.session


def test_a_user_cancel_in_the_app_shows_the_recommended_message(client, bankid):
    bankid.script(PERSONNUMMER, after_polls=1, fail_hint="userCancel")
    start(client)
    assert poll_until_done(client) == {
        "status": "failed",
        "message": "Åtgärden avbröts.",
        "rfa": "RFA6",
        "next": "",
    }
    assert PERSON_KEY not in client.session


def test_a_slow_bankid_gives_rfa5_and_a_way_to_try_again_never_a_500(client, bankid):
    bankid.script(PERSONNUMMER, delay=2.5)
    response = start(client, next_url="/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Något gick fel. Försök igen." in page


def test_starting_and_cancelling_need_a_csrf_token(bankid):
    client = Client(enforce_csrf_checks=True)
    assert start(client).status_code == 403
    assert "etjanst_bankid_order" not in client.session
    # A started order cannot be cancelled by a cross-site POST either.
    page = client.get(reverse("portal:bankid"))
    token = page.cookies["csrftoken"].value
    client.post(reverse("portal:bankid_start"), {"device": "other", "csrfmiddlewaretoken": token})
    order_ref = client.session["etjanst_bankid_order"]["order_ref"]
    assert client.post(reverse("portal:bankid_cancel")).status_code == 403
    assert bankid.orders[order_ref].status == "pending"
    assert client.session["etjanst_bankid_order"]["order_ref"] == order_ref


def test_starts_are_rate_limited_per_client_address(client, bankid, settings):
    settings.ETJANST_BANKID_STARTS_PER_MINUTE = 3
    for _ in range(3):
        start(client)
    response = start(client)
    assert response.status_code == 302
    assert "många gånger på kort tid" in client.get(response["Location"]).content.decode()


def test_a_qr_refresh_with_the_replaced_session_key_never_deletes_the_new_cookie(client):
    """A QR refresh sent with the session key that the login has just
    replaced must not answer with a cookie deletion (it would log out the
    person who has just logged in, when it arrives after the login)."""
    from django.conf import settings

    client.cookies[settings.SESSION_COOKIE_NAME] = "a-session-key-that-no-longer-exists"
    response = client.get(reverse("portal:bankid_qr"))
    assert response.status_code == 204
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_collects_reach_bankid_at_most_every_two_seconds(client, bankid, monkeypatch, time_machine):
    """The pace itself (switched off in the other tests): however often the
    waiting page polls, one collect per order every COLLECT_INTERVAL seconds
    reaches BankID, the first one COLLECT_INTERVAL after the order started;
    the page gets the last known state meanwhile."""
    import datetime

    from etjanst.eid import bankid_login

    monkeypatch.setattr(bankid_login, "COLLECT_INTERVAL", 2.0)
    now = datetime.datetime(2026, 12, 6, 12, tzinfo=datetime.UTC)
    time_machine.move_to(now, tick=False)
    bankid.script(PERSONNUMMER, after_polls=2)
    start(client)
    order = bankid.orders[client.session["etjanst_bankid_order"]["order_ref"]]
    for _ in range(5):
        assert client.get(reverse("portal:bankid_status")).json()["status"] == "pending"
    assert order.polls == 0
    time_machine.move_to(now + datetime.timedelta(seconds=1.9), tick=False)
    client.get(reverse("portal:bankid_status"))
    assert order.polls == 0
    time_machine.move_to(now + datetime.timedelta(seconds=2.1), tick=False)
    for _ in range(3):
        client.get(reverse("portal:bankid_status"))
    assert order.polls == 1
    time_machine.move_to(now + datetime.timedelta(seconds=4.2), tick=False)
    client.get(reverse("portal:bankid_status"))
    assert order.polls == 2
    time_machine.move_to(now + datetime.timedelta(seconds=6.3), tick=False)
    assert client.get(reverse("portal:bankid_status")).json()["status"] == "complete"
    assert order.polls == 3
