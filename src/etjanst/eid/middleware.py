import time

from django.conf import settings
from django.contrib import messages
from django.utils.translation import gettext as _

from .bankid_login import POLL_KEY_PARAM
from .session import ACTIVITY_KEY, PERSON_KEY, current_person, logout


class PersonMiddleware:
    """Puts the logged-in person on request.person and logs out after a
    period without activity (ETJANST_IDLE_TIMEOUT seconds)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.person = None
        if _is_bankid_status_read(request):
            # Up to 500 a second at a peak (1,000 logins waiting): the answer
            # needs no person, so the session is not even read (benchmark B4).
            # Only ever less privilege: this request acts as logged out.
            return self.get_response(request)
        if PERSON_KEY in request.session:
            now = time.time()
            last = request.session.get(ACTIVITY_KEY, 0)
            if now - last > settings.ETJANST_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request, _("Du har loggats ut eftersom du inte har varit aktiv på en stund.")
                )
            else:
                request.person = current_person(request)
                # Write the session at most once a minute, not on every request.
                if now - last > 60 and not request.path.endswith("/status/"):
                    request.session[ACTIVITY_KEY] = now
                last = request.session.get(ACTIVITY_KEY, now)
                request.session_expires_at = last + settings.ETJANST_IDLE_TIMEOUT
                request.session_seconds_left = int(request.session_expires_at - now)
        return self.get_response(request)


def _is_bankid_status_read(request) -> bool:
    return (
        request.method == "GET"
        and request.path_info.endswith("/bankid/status/")
        and POLL_KEY_PARAM in request.GET
    )
