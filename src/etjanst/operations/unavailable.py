"""The page residents see while the database is down: a kind 503 that needs
no database (no site settings, no session, no context processors)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from .logs import database_is_down

#: Seconds a browser (or a proxy) is asked to wait before trying again.
RETRY_AFTER = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """True when `exc` means the database cannot be reached. Marks the
    exception so the log writes it as one line (logs.OneLineForKnownFailures)."""
    if database_is_down(exc):
        exc._etjanst_database_down = True  # type: ignore[union-attr]
        return True
    return False


def unavailable_response(request: HttpRequest | None = None) -> HttpResponse:
    html = render_to_string(
        "operations/503.html",
        {
            "municipality_name": settings.ETJANST_MUNICIPALITY["name"],
            "contact_email": settings.ETJANST_MUNICIPALITY["email"],
            "contact_phone": settings.ETJANST_MUNICIPALITY["phone"],
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
