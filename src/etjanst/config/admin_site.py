"""The admin site (/admin/): the same login as the staff pages (password,
one-time code, lockout per address), and nothing a staff page already does.

Least privilege: cases, drafts, bookings, requests for documents and
residents are not in the admin at all. The staff pages handle them, check
each officer's committee and log every opening in the access log the
resident sees; the admin could do neither."""

from urllib.parse import urlencode

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminSite

from etjanst.eid.session import safe_next


class StaffAdminSite(OTPAdminSite):
    """django-otp's admin site (a user counts only after a one-time code),
    logging in through the staff login rather than a password form of its own."""

    site_header = _("Etjänst – administration")
    site_title = "Etjänst"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    def login(self, request, extra_context=None):
        index = reverse("admin:index", current_app=self.name)
        next_url = safe_next(request, request.GET.get(REDIRECT_FIELD_NAME), index)
        return redirect(f"{reverse('staff:login')}?{urlencode({'next': next_url})}")
