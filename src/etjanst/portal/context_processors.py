from django.conf import settings
from django.urls import reverse

from etjanst.content.look import municipality as current_municipality

# Pages of a form in progress: logging in from one returns to it (the
# answers stay in the session), not to Mina sidor.
FORM_PAGES = {"intro", "step", "review"}


def municipality(request):
    return {
        "municipality": current_municipality(request),
        "idle_timeout": settings.ETJANST_IDLE_TIMEOUT,
        "login_next": _login_next(request),
    }


def _login_next(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.namespace == "portal" and match.url_name in FORM_PAGES:
        return request.path
    return reverse("portal:my_pages")
