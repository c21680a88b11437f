"""/admin/ takes the staff login: password, then one-time code, with the
lockout; cases and other residents' data are not in the admin at all."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from etjanst.bookings.models import Booking
from etjanst.cases.models import Attachment, Case, Message
from etjanst.diarium.models import DocumentRequest
from etjanst.people.models import Resident, StaffLogin
from etjanst.submissions.models import Draft
from tests.staff_accounts import PASSWORD, current_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    user = get_user_model().objects.create_superuser("admin", "admin@exempelby.se", PASSWORD)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def test_a_password_alone_does_not_open_the_admin(client, superuser):
    assert client.login(username="admin", password=PASSWORD)  # password only
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("staff:login") + "?next=")
    # The admin's own login form is the staff login too.
    login = client.get(reverse("admin:login"))
    assert login["Location"].startswith(reverse("staff:login"))
    posted = client.post(reverse("admin:login"), {"username": "admin", "password": PASSWORD})
    assert posted.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 302


def test_password_and_code_open_the_admin(client, superuser):
    response = client.post(
        reverse("staff:login") + "?next=/admin/", {"username": "admin", "password": PASSWORD}
    )
    assert response["Location"].startswith(reverse("staff:login_code"))
    response = client.post(response["Location"], {"code": current_code(superuser)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_seven_wrong_passwords_lock_the_admin_too(client, superuser):
    for _ in range(7):
        client.post(reverse("staff:login"), {"username": "admin", "password": "fel"})
    response = client.post(reverse("staff:login"), {"username": "admin", "password": PASSWORD})
    assert response.status_code == 400
    assert "spärrat" in response.content.decode()
    assert client.get("/admin/").status_code == 302
    # Five were tried; from the sixth on the account is locked (from here).
    assert StaffLogin.objects.filter(username="admin", outcome="bad_password").count() == 5
    assert StaffLogin.objects.filter(username="admin", outcome="locked").count() == 3


def test_an_eservice_manager_without_a_case_role_lands_in_the_admin(client):
    user = get_user_model().objects.create_user("maja", password=PASSWORD, is_staff=True)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = client.post(reverse("staff:login"), {"username": "maja", "password": PASSWORD})
    response = client.post(response["Location"], {"code": current_code(user)})
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("staff:inbox")).status_code == 302  # no case pages


@pytest.mark.parametrize(
    "model", [Case, Draft, Message, Attachment, Booking, DocumentRequest, Resident]
)
def test_residents_data_is_not_in_the_admin(model, admin_client):
    """Least privilege: the staff pages show these to those of the right
    committee and log every opening; the admin does not have them at all."""
    assert model not in admin.site._registry
    meta = model._meta
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert (
        f"/admin/{meta.app_label}/{meta.model_name}/"
        not in admin_client.get("/admin/").content.decode()
    )


def test_the_admin_never_shows_a_one_time_code_key(admin_client):
    officer = get_user_model().objects.create_user("olle", password=PASSWORD)
    device = TOTPDevice.objects.create(user=officer, name="app", confirmed=True)
    listing = admin_client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    change = admin_client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert listing.status_code == change.status_code == 200
    for html in (listing.content.decode(), change.content.decode()):
        assert device.key not in html
        assert "qrcode" not in html.lower()
