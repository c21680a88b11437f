"""Failed staff logins are throttled per username *and address*: an
attacker cannot lock an officer out of their own address, and an address
trying many usernames (password spraying) is refused for a while. Both are
written to the security log (StaffLogin, and the etjanst.security logger)."""

import logging

import pytest
from django.urls import reverse

from etjanst.organisation.models import Committee
from etjanst.people.models import StaffLogin
from tests.staff_accounts import PASSWORD, current_code, staff_user

pytestmark = pytest.mark.django_db
ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.5"


@pytest.fixture
def officer():
    return staff_user(
        "olle", committee=Committee.objects.create(name="Kommunstyrelsen", prefix="KS")
    )


def attempt(client, username, password, address):
    return client.post(
        reverse("staff:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_an_attacker_does_not_lock_the_officer_out_of_their_own_address(
    client, officer, settings, caplog
):
    settings.ETJANST_STAFF_LOCKOUT_ATTEMPTS = 5
    caplog.set_level(logging.WARNING, logger="etjanst.security")
    for _ in range(5):
        assert attempt(client, "olle", "fel", ATTACKER).status_code == 400
    locked = attempt(client, "olle", PASSWORD, ATTACKER)  # even the right password
    assert locked.status_code == 400 and "spärrat" in locked.content.decode()
    assert StaffLogin.objects.filter(outcome="locked", ip_address=ATTACKER).count() == 1

    from django.test import Client

    own = Client()
    response = attempt(own, "olle", PASSWORD, OFFICE)
    assert response.status_code == 302
    own.post(response["Location"], {"code": current_code(officer)}, REMOTE_ADDR=OFFICE)
    assert own.get(reverse("staff:inbox")).status_code == 200
    assert f"Staff login locked for user olle from {ATTACKER}" in caplog.text


def test_an_address_spraying_many_usernames_is_refused(client, officer, settings, caplog):
    settings.ETJANST_STAFF_ADDRESS_USERNAMES = 5
    caplog.set_level(logging.WARNING, logger="etjanst.security")
    outcomes = []
    for n in range(20):
        response = attempt(client, f"user{n}", "Sommar2026!", ATTACKER)
        assert response.status_code == 400
        outcomes.append(StaffLogin.objects.filter(username=f"user{n}").get().outcome)
    # Five usernames were tried; the other fifteen were not even checked.
    assert outcomes == ["bad_password"] * 5 + ["address_locked"] * 15
    refused = attempt(client, "olle", PASSWORD, ATTACKER)
    assert "från den här adressen" in refused.content.decode()
    assert attempt(client, "olle", PASSWORD, OFFICE).status_code == 302  # elsewhere: fine
    assert f"Staff login address_locked for user user19 from {ATTACKER}" in caplog.text


def test_the_address_limit_counts_all_failures_too(client, officer, settings):
    settings.ETJANST_STAFF_LOCKOUT_ATTEMPTS = 100
    settings.ETJANST_STAFF_ADDRESS_ATTEMPTS = 6
    for _ in range(6):
        attempt(client, "olle", "fel", ATTACKER)
    assert attempt(client, "nisse", "fel", ATTACKER).status_code == 400
    assert StaffLogin.objects.filter(username="nisse").get().outcome == "address_locked"


def test_the_address_lock_ends_after_a_while(client, officer, settings, time_machine):
    settings.ETJANST_STAFF_ADDRESS_USERNAMES = 2
    time_machine.move_to("2026-11-26 10:00 +01:00")
    attempt(client, "a", "x", ATTACKER)
    attempt(client, "b", "x", ATTACKER)
    assert attempt(client, "olle", PASSWORD, ATTACKER).status_code == 400
    time_machine.move_to("2026-11-26 10:16 +01:00")
    assert attempt(client, "olle", PASSWORD, ATTACKER).status_code == 302


def test_guessing_from_many_addresses_locks_the_account_but_not_the_officers_own(
    client, officer, settings
):
    from django.test import Client

    settings.ETJANST_STAFF_ACCOUNT_ATTEMPTS = 6
    own = Client()
    response = attempt(own, "olle", PASSWORD, OFFICE)  # logged in from here before
    own.post(response["Location"], {"code": current_code(officer)}, REMOTE_ADDR=OFFICE)
    for n in range(6):  # one or two guesses from each of many addresses
        attempt(Client(), "olle", "fel", f"203.0.113.{n // 2}")
    refused = attempt(Client(), "olle", PASSWORD, "203.0.113.99")  # a new address
    assert refused.status_code == 400 and "spärrat" in refused.content.decode()
    assert attempt(Client(), "olle", PASSWORD, OFFICE).status_code == 302  # their own
