"""Staff login: a password, then a one-time code from an authenticator app
(TOTP, django-otp). A user without one sets it up on the first login."""

import base64
import time
from urllib.parse import urlencode

import segno
from django.contrib import auth, messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from etjanst.eid.session import client_ip, safe_next
from etjanst.people import staff_login
from etjanst.people.access import is_staff_member, may_build, may_use_staff_login
from etjanst.people.models import StaffLogin

PENDING_KEY = "etjanst_staff_pending"
PENDING_SECONDS = 300


def _next(request, user=None) -> str:
    """Where to go after logging in: the page asked for, else the inbox (or,
    for an e-service administrator who handles no cases, the builder)."""
    home = reverse("staff:inbox")
    if user is not None and not is_staff_member(user):
        # An e-service administrator builds; an admin user without a role has the admin.
        home = reverse("staff:builder") if may_build(user) else reverse("admin:index")
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), home)


@sensitive_post_parameters("password")
def login_view(request):
    error = ""
    username = ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        password = request.POST.get("password", "")
        ip = client_ip(request)
        lock = staff_login.lock_for(username, ip)
        if lock is not None:
            staff_login.record(username, lock.value, ip)
            error = _locked_message(lock)
        else:
            user = auth.authenticate(request, username=username, password=password)
            if user is None or not may_use_staff_login(user):
                staff_login.record(username, StaffLogin.Outcome.BAD_PASSWORD, ip)
                error = _("Fel användarnamn eller lösenord.")
            else:
                request.session[PENDING_KEY] = {"user": user.pk, "at": time.time()}
                step = "staff:login_code" if _device(user) else "staff:login_enrol"
                return redirect(f"{reverse(step)}?{urlencode({'next': _next(request, user)})}")
    return render(
        request,
        "staff/login.html",
        {"error": error, "username": username, "next": _next(request)},
        status=400 if error else 200,
    )


def _locked_message(lock) -> str:
    if lock is staff_login.Lock.ADDRESS:
        return _(
            "För många misslyckade inloggningar från den här adressen. Vänta en kvart och "
            "försök igen, eller kontakta din administratör."
        )
    return _(
        "För många misslyckade försök. Kontot är spärrat en stund här. Försök igen om "
        "en kvart eller kontakta din administratör."
    )


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def _device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def _finish(request, user, device):
    del request.session[PENDING_KEY]
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    staff_login.record(user.get_username(), StaffLogin.Outcome.SUCCESS, client_ip(request))
    return redirect(_next(request, user))


def _code_error(request, user) -> str:
    staff_login.record(user.get_username(), StaffLogin.Outcome.BAD_CODE, client_ip(request))
    return _("Koden stämmer inte. Skriv de sex siffrorna som appen visar just nu.")


@sensitive_post_parameters("code")
def login_code(request):
    user = _pending_user(request)
    device = _device(user) if user else None
    if device is None:
        messages.info(request, _("Logga in igen."))
        return redirect("staff:login")
    error = ""
    if request.method == "POST":
        lock = staff_login.lock_for(user.get_username(), client_ip(request))
        if lock is not None:
            staff_login.record(user.get_username(), lock.value, client_ip(request))
            request.session.pop(PENDING_KEY, None)
            messages.error(request, _locked_message(lock))
            return redirect("staff:login")
        if device.verify_token(request.POST.get("code", "").replace(" ", "")):
            return _finish(request, user, device)
        error = _code_error(request, user)
    return render(
        request,
        "staff/login_code.html",
        {"error": error, "next": _next(request, user)},
        status=400 if error else 200,
    )


@sensitive_post_parameters("code")
def login_enrol(request):
    """First login: connect an authenticator app with a QR code."""
    user = _pending_user(request)
    if user is None or _device(user) is not None:
        return redirect("staff:login")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Engångskoder"), confirmed=False)
    error = ""
    if request.method == "POST":
        if staff_login.is_locked(user.get_username(), client_ip(request)):
            request.session.pop(PENDING_KEY, None)
            return redirect("staff:login")
        if device.verify_token(request.POST.get("code", "").replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            staff_login.record(user.get_username(), StaffLogin.Outcome.ENROLLED, client_ip(request))
            return _finish(request, user, device)
        error = _code_error(request, user)
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4)
    qr = qr.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "staff/login_enrol.html",
        {
            "error": error,
            "next": _next(request, user),
            "qr": mark_safe(qr),  # noqa: S308 (segno's own SVG, no user input)
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=400 if error else 200,
    )


def logout_view(request):
    if request.method == "POST":
        auth.logout(request)
        messages.info(request, _("Du är utloggad."))
    return redirect("staff:login")
