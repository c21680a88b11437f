"""Error pages in Swedish (and English), never a stack trace."""

import logging
import sys

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from etjanst.operations.unavailable import database_unavailable, unavailable_response

logger = logging.getLogger(__name__)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    """500, or the database-free 503 page when the database is down. The 500
    page itself never fails: without its template, plain text."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    try:
        return HttpResponse(render_to_string("errors/500.html"), status=500)
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return HttpResponse(
            "Något gick fel hos oss. Försök igen om en stund.",
            status=500,
            content_type="text/plain; charset=utf-8",
        )


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)


def request_too_large(request):
    return render(request, "errors/413.html", status=413)
