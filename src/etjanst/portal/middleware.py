import json
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

from etjanst.eid.bankid_login import (
    POLL_KEY_PARAM,
    PollResult,
    pending_by_key,
    pending_message,
    poll_by_key,
)
from etjanst.operations import metrics
from etjanst.operations.requestlog import request_id_for

from .views.errors import request_too_large
from .views.login import bankid_enabled, poll_answer, poll_body

logger = logging.getLogger(__name__)


BANKID_STATUS_PATH = "/logga-in/bankid/status/"  # portal:bankid_status (a test checks)


def cookie_language(request) -> str:
    """The language the resident chose with the language switch (its
    cookie), else the site's: every answer made before LanguageMiddleware
    (the poll, the busy page) and LanguageMiddleware itself ask this."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in _LANGUAGES else settings.LANGUAGE_CODE


_LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


class BankIDPollMiddleware:
    """The waiting page's poll, GET /logga-in/bankid/status/?k=…, answered
    here — after the HTTPS redirect, the Host check and the overload guard,
    before everything else. At a peak (1,000 logins waiting) these are 500
    requests a second that only read the order's last known state by its
    poll key: they need no session, CSRF, login, messages, person or CSP
    header (the answer is JSON) and no URL resolving, and skipping them
    halves a poll's cost (benchmark B4 in docs/benchmarks.md). The answer is
    the view's own (`views.login.poll_answer`); a poll without the key (no
    JavaScript's waiting page uses the session) goes the usual way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method != "GET"
            or request.path_info != BANKID_STATUS_PATH
            or POLL_KEY_PARAM not in request.GET
            or not bankid_enabled()
        ):
            return self.get_response(request)
        request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it
        request.etjanst_route = "portal:bankid_status"
        with translation.override(cookie_language(request)):
            response = poll_answer(poll_by_key(request.GET[POLL_KEY_PARAM]))
        # As CommonMiddleware would (otherwise the server sends it chunked).
        response["Content-Length"] = str(len(response.content))
        return response


class BankIDPollFrontMiddleware:
    """The waiting page's poll of a pending order, answered first of all.

    At a peak (1,000 logins waiting) these are 500 requests a second that
    only read one row. Here, in front of the request log and the probes, a
    poll costs little more than /halsa/ (benchmark B4, docs/benchmarks.md).
    It answers only when every rule that applies to a poll is satisfied, each
    checked by its own code, not a copy:

    * the Host header: `request.get_host()` (ALLOWED_HOSTS, as
      SecurityMiddleware's and CommonMiddleware's callers see it);
    * the HTTPS redirect and the security headers: Django's own
      SecurityMiddleware, made here with the same settings (its headers are
      the same for every poll, so they are taken once per scheme);
    * the overload guard's queue rule (`_queued_too_long`). Its concurrency
      limit (threaded workers) does not apply: a poll here holds its thread
      for a fraction of a millisecond and waits on nothing but at most one indexed
      read, so shedding it would free nothing, and the script would only
      poll again 2 s later;
    * the resident's language (the cookie, as LanguageMiddleware reads it);
    * never cached (Django's `add_never_cache_headers`);
    * counted in the metrics under the route "portal:bankid_status", as the
      request log would; no log line, as the request log logs a successful
      poll at DEBUG only.

    Anything else — a refused Host, a redirect, an overload, an unknown key,
    an order that has ended or that this poll must collect, a database
    error — goes the usual way through every middleware
    (BankIDPollMiddleware then answers it, logged by the request log)."""

    ROUTE = "portal:bankid_status"

    def __init__(self, get_response):
        self.get_response = get_response
        self.security = SecurityMiddleware(get_response)
        self.counted = metrics.REQUESTS.labels("GET", self.ROUTE, "2xx")
        self.latency = metrics.LATENCY.labels(self.ROUTE)
        self.headers: dict[bool, list[tuple[str, str]]] = {}
        self.never_cache: tuple[int, list[tuple[str, str]]] = (-1, [])

    def __call__(self, request):
        started = time.perf_counter()
        if (
            request.method != "GET"
            or request.path_info != BANKID_STATUS_PATH
            or not bankid_enabled()
        ):
            return self.get_response(request)
        request.etjanst_route = self.ROUTE  # for the request log, if it goes the usual way
        try:
            answer = self.answer(request)
        except (DisallowedHost, DatabaseError):
            answer = None
        if answer is None:
            return self.get_response(request)
        self.counted.inc()
        self.latency.observe(time.perf_counter() - started)
        return answer

    def answer(self, request) -> HttpResponse | None:
        poll_key = request.GET.get(POLL_KEY_PARAM)
        if not poll_key:
            return None
        request.get_host()  # raises DisallowedHost
        if self.security.process_request(request) is not None or _queued_too_long(request):
            return None
        pending = pending_by_key(poll_key)
        if pending is None:
            return None
        status, hint_code, same_device, qr = pending
        rfa, text = pending_message(status, hint_code, same_device, cookie_language(request))
        body = json.dumps(poll_body(PollResult(status, text, rfa, qr=qr)))
        response = HttpResponse(body, content_type="application/json")
        response["Content-Length"] = str(len(response.content))
        for header, value in self._headers(request):
            response[header] = value
        for header, value in self._never_cache():
            response[header] = value
        response["X-Request-ID"] = request_id_for(request.META.get("HTTP_X_REQUEST_ID", ""))
        return response

    def _never_cache(self) -> list[tuple[str, str]]:
        """Django's never-cache headers; Expires is "now", so they are made
        by `add_never_cache_headers` once a second."""
        second = int(time.time())
        if self.never_cache[0] != second:
            probe = HttpResponse()
            add_never_cache_headers(probe)
            self.never_cache = (second, [(h, probe[h]) for h in ("Expires", "Cache-Control")])
        return self.never_cache[1]

    def _headers(self, request) -> list[tuple[str, str]]:
        """SecurityMiddleware's response headers for this scheme (HSTS only
        over HTTPS): the same for every poll, so asked of it once."""
        secure = request.is_secure()
        if secure not in self.headers:
            probe = self.security.process_response(request, HttpResponse())
            self.headers[secure] = [
                (header, value) for header, value in probe.items() if header != "Content-Type"
            ]
        return self.headers[secure]


class RequestSizeLimitMiddleware:
    """Refuse bodies larger than any e-service accepts before reading them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ETJANST_MAX_REQUEST_SIZE:
            return request_too_large(request)
        return self.get_response(request)


class LanguageMiddleware(LocaleMiddleware):
    """Swedish unless the resident chose English with the language switch.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not
    followed: a municipality's site is Swedish by default."""

    def process_request(self, request):
        translation.activate(cookie_language(request))
        request.LANGUAGE_CODE = translation.get_language()


class OverloadGuardMiddleware:
    """Answer "many are using the service right now" (503 + Retry-After) at
    once rather than let a request time out, when:

    * the request already waited longer than ETJANST_MAX_QUEUE_SECONDS in
      front of the web processes (X-Request-Start set by the proxy, e.g.
      nginx `proxy_set_header X-Request-Start "t=${msec}";`): the resident
      would likely have given up, and working on it only delays the rest;
    * this process already serves ETJANST_MAX_CONCURRENT_REQUESTS requests
      (threaded or async workers);
    * a new form is started for an e-service whose limit of starts per
      minute (ETJANST_START_LIMITS) is reached: those already filling it in
      go on undisturbed.

    Never a POST other than starting a form: a POST carries what the resident
    wrote (answers, a submission, a message), and is always served.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.in_flight = 0
        self.lock = threading.Lock()

    def __call__(self, request):
        limit = settings.ETJANST_MAX_CONCURRENT_REQUESTS
        if request.method in ("GET", "HEAD") and not request.path_info.startswith(
            settings.ETJANST_NEVER_SHED
        ):
            if _queued_too_long(request):
                return busy(request, "queue")
            if limit and self.in_flight >= limit:
                return busy(request, "concurrency")
        with self.lock:
            self.in_flight += 1
        try:
            return self.get_response(request)
        finally:
            with self.lock:
                self.in_flight -= 1

    def process_view(self, request, view_func, args, kwargs):
        match = request.resolver_match
        if request.method != "POST" or match is None or match.view_name != "portal:start":
            return None
        slug = kwargs.get("slug", "")
        limits = settings.ETJANST_START_LIMITS
        per_minute = limits.get(slug, limits.get("*", 0))
        if not per_minute:
            return None
        key = f"starts:{slug}:{current_minute()}"
        cache.add(key, 0, timeout=120)
        if cache.incr(key) > per_minute:
            return busy(request, "starts")
        return None


def current_minute() -> int:
    """The fixed one-minute window the starts are counted in."""
    return int(time.time() // 60)


def _queued_too_long(request) -> bool:
    """X-Request-Start is "t=<epoch>" in seconds (nginx $msec), ms or µs."""
    allowed = settings.ETJANST_MAX_QUEUE_SECONDS
    header = request.META.get("HTTP_X_REQUEST_START", "")
    if not allowed or not header:
        return False
    try:
        started = float(header.removeprefix("t="))
    except ValueError:
        return False
    while started > 1e11:  # milliseconds or microseconds
        started /= 1000
    return time.time() - started > allowed


def busy(request, reason: str):
    """The kind page, in the resident's language, before the session or the
    person is looked at (the overload may be in the database)."""
    translation.activate(cookie_language(request))
    logger.warning("Overloaded (%s): answered 503 to %s %s", reason, request.method, request.path)
    retry = request.get_full_path()
    if request.method != "GET":  # back to the page the form was on, not a GET of the POST URL
        referer = request.META.get("HTTP_REFERER", "")
        allowed = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        retry = referer if allowed else "/"
    response = render(request, "errors/busy.html", {"retry": retry}, status=503)
    response["Retry-After"] = str(settings.ETJANST_BUSY_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
