"""One log line and one metrics sample per request, with a request id.

The id comes from the proxy's X-Request-ID when it looks like one (so a line
can be followed from the load balancer to the worker), otherwise a new one;
it is sent back in X-Request-ID and put on every log line the request
writes (logs.RequestIdFilter). The path is logged without its query string."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.http import HttpRequest, HttpResponse

from . import metrics
from .logs import request_id

access_log = logging.getLogger("etjanst.access")

_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: Probes arrive every few seconds from every load balancer: logged at DEBUG.
_QUIET_ROUTES = {"liveness", "readiness", "metrics"}
#: The BankID waiting page's poll, 500 a second at a peak (benchmark B4): the
#: line cost ~40 % of a poll. Counted in the metrics; logged when it fails.
_QUIET_WHEN_OK = {"portal:bankid_status"}


def request_id_for(incoming: str) -> str:
    """The proxy's X-Request-ID when it looks like one, otherwise a new one."""
    return incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex


def _route(request: HttpRequest) -> str:
    route = getattr(request, "etjanst_route", "")
    if route:
        return route
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else "unmatched"


class RequestLogMiddleware:
    """The outermost middleware: it times everything the others do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id_for(request.META.get("HTTP_X_REQUEST_ID", ""))
        request.request_id = rid
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            route = _route(request)
            status = response.status_code
            metrics.REQUESTS.labels(request.method, route, f"{status // 100}xx").inc()
            metrics.LATENCY.labels(route).observe(duration)
            access_log.log(
                logging.DEBUG
                if route in _QUIET_ROUTES or (route in _QUIET_WHEN_OK and status < 400)
                else logging.INFO,
                "%s %s %s %.0fms",
                request.method,
                request.path,
                status,
                duration * 1000,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": round(duration * 1000, 1),
                    "route": route,
                },
            )
            response["X-Request-ID"] = rid
            return response
        finally:
            request_id.reset(token)
