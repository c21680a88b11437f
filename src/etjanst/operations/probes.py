"""Liveness (/halsa/), readiness (/halsa/redo/) and the metrics scrape
(/metrics), answered before any other middleware.

Load balancers and Kubernetes probe a process by its address, over plain
HTTP, with a Host header of their own (often the pod's IP): the answers here
come before SecurityMiddleware's redirect to HTTPS and before the Host is
checked against ALLOWED_HOSTS, so a probe gets 200/503, never 301 or 400.
They reveal nothing: "ok", or which dependency is missing. The metrics need
a bearer token (ETJANST_METRICS_TOKEN); without one they are switched off."""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django_tasks_db.models import DBTaskResult

from . import metrics

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/halsa/"
READINESS_PATH = "/halsa/redo/"
METRICS_PATH = "/metrics"


def readiness() -> dict[str, str]:
    """Each dependency a web process needs to serve a resident: "ok" or why not."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means: not ready
        checks["database"] = "unavailable"
        logger.warning("Readiness: database unavailable (%s)", type(exc).__name__)
    if checks["database"] == "ok":
        try:
            DBTaskResult.objects.ready().exists()
            checks["queue"] = "ok"
        except Exception as exc:
            checks["queue"] = "unavailable"
            logger.warning("Readiness: task queue unavailable (%s)", type(exc).__name__)
    else:
        checks["queue"] = "unavailable"  # the queue is a table in the same database
    return checks


def _json(data: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    # A failing readiness probe is logged once, above, not again by Django as an error.
    response._has_been_logged = True
    return response


def _metrics_allowed(request: HttpRequest) -> bool:
    token = getattr(settings, "ETJANST_METRICS_TOKEN", "")
    if not token:
        return False
    given = request.META.get("HTTP_AUTHORIZATION", "")
    return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


class ProbeMiddleware:
    """Goes before SecurityMiddleware: see the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path == LIVENESS_PATH:
            request.etjanst_route = "liveness"
            response = HttpResponse("ok", content_type="text/plain")
            response["Cache-Control"] = "no-store"
            return response
        if path == READINESS_PATH:
            request.etjanst_route = "readiness"
            checks = readiness()
            ready = all(value == "ok" for value in checks.values())
            return _json(
                {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
            )
        if path == METRICS_PATH:
            request.etjanst_route = "metrics"
            if not _metrics_allowed(request):
                return HttpResponse("Not found", status=404, content_type="text/plain")
            body, content_type = metrics.render()
            return HttpResponse(body, content_type=content_type)
        return self.get_response(request)
