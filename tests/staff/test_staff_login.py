"""Staff login: password then one-time code, first-time setup of the app,
lockout after repeated failures, and the audit of every attempt."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from etjanst.organisation.models import Committee
from etjanst.people.models import StaffLogin
from tests.staff_accounts import PASSWORD, current_code, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return staff_user(
        "olle", committee=Committee.objects.create(name="Kommunstyrelsen", prefix="KS")
    )


def password_step(client, username="olle", password=PASSWORD):
    return client.post(reverse("staff:login"), {"username": username, "password": password})


def test_password_then_code(client, officer):
    assert client.get(reverse("staff:inbox"))["Location"].startswith(reverse("staff:login"))
    response = password_step(client)
    assert response["Location"].startswith(reverse("staff:login_code"))
    assert client.get(reverse("staff:inbox")).status_code == 302  # not yet
    response = client.post(reverse("staff:login_code"), {"code": current_code(officer)})
    assert response.status_code == 302
    assert client.get(reverse("staff:inbox")).status_code == 200
    assert list(StaffLogin.objects.values_list("outcome", flat=True)) == ["success"]


def test_a_wrong_code_or_password_is_refused_and_audited(client, officer):
    response = password_step(client, password="fel")
    assert response.status_code == 400
    assert "Fel användarnamn eller lösenord." in response.content.decode()
    password_step(client)
    response = client.post(reverse("staff:login_code"), {"code": "000000"})
    assert response.status_code == 400
    assert "Koden stämmer inte" in response.content.decode()
    assert client.get(reverse("staff:inbox")).status_code == 302
    outcomes = sorted(StaffLogin.objects.values_list("outcome", flat=True))
    assert outcomes == ["bad_code", "bad_password"]


def test_lockout_after_repeated_failures(client, officer, settings):
    settings.ETJANST_STAFF_LOCKOUT_ATTEMPTS = 3
    for _ in range(3):
        password_step(client, password="fel")
    response = password_step(client)  # the right password, but locked
    assert response.status_code == 400
    assert "spärrat" in response.content.decode()
    assert StaffLogin.objects.filter(outcome="locked").count() == 1


def test_lockout_ends_after_a_while(client, officer, settings, time_machine):
    settings.ETJANST_STAFF_LOCKOUT_ATTEMPTS = 2
    time_machine.move_to("2026-11-26 10:00 +01:00")
    password_step(client, password="fel")
    password_step(client, password="fel")
    assert password_step(client).status_code == 400
    time_machine.move_to("2026-11-26 10:16 +01:00")
    assert password_step(client).status_code == 302


def test_a_resident_account_without_a_role_cannot_log_in(client):
    staff_user("utan", role=None)
    assert password_step(client, "utan").status_code == 400


def test_first_login_sets_up_the_app(client):
    user = staff_user("ny", committee=Committee.objects.create(name="Nämnd", prefix="NN"))
    TOTPDevice.objects.filter(user=user).delete()
    response = password_step(client, "ny")
    assert response["Location"].startswith(reverse("staff:login_enrol"))
    page = client.get(response["Location"])
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("staff:login_enrol"), {"code": code})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("staff:inbox")).status_code == 200


def test_the_next_address_must_be_on_the_site(client, officer):
    client.post(
        f"{reverse('staff:login')}?next=https://evil.example/",
        {"username": "olle", "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post(
        reverse("staff:login_code"),
        {"code": current_code(officer), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("staff:inbox")
