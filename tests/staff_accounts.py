"""Staff accounts for tests: a user with roles, a confirmed TOTP device, and
a client logged in as they would be after password and one-time code."""

from django.contrib.auth import get_user_model
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from etjanst.people.models import StaffAccess

PASSWORD = "Rätt-häst-batteri-42"


def staff_user(username, *, role="case_officer", committee=None, eservice=None, **extra):
    user = get_user_model().objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=extra.pop("first_name", username.capitalize()),
        last_name=extra.pop("last_name", "Handläggare"),
        email=extra.pop("email", f"{username}@exempelby.se"),
    )
    if role:
        StaffAccess.objects.create(
            user=user, role=role, committee=committee, eservice=eservice, **extra
        )
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in_staff(client, user) -> None:
    """As after password and code (the login itself is tested on its own)."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()


def log_in_admin(client, user=None):
    """A superuser in /admin/, as after password and one-time code (the admin
    takes the staff login: etjanst.config.admin_site)."""
    if user is None:
        user = get_user_model().objects.create_superuser("admin", "admin@exempelby.se", PASSWORD)
    TOTPDevice.objects.get_or_create(user=user, defaults={"name": "app", "confirmed": True})
    log_in_staff(client, user)
    return user
