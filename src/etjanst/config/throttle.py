"""Throttling what anyone can send without logging in (anonymous
submissions, requests for public documents): a decorator for views, counted
with django-ratelimit in the cache, which several web processes share when
ETJANST_CACHE=database (README).

Only what was *accepted* counts (the view answered with a redirect): a
resident correcting a form with errors is never slowed down. When a limit is
reached, nothing is processed and the answer is 429 with Retry-After and a
kind Swedish page; a view may show its own form again instead
(`on_limited`), so that nothing the resident wrote is lost. Logged-in
residents and staff are not throttled.

    @throttle("document-request", Limit("ETJANST_RATE_DOCUMENT_REQUESTS"))
    def request_document(request): ...

    @throttle(
        "anonymous-submission",
        Limit("ETJANST_RATE_SUBMISSIONS_PER_CLIENT"),
        Limit("ETJANST_RATE_SUBMISSIONS_PER_ESERVICE", key=by_view_kwarg("slug")),
        accepted=lambda response: "/kvitto/" in response.get("Location", ""),
    )
    def review(request, slug): ...  # where Skicka posts
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit.core import get_usage

from etjanst.eid.session import client_ip, current_person

logger = logging.getLogger("etjanst.security")


def by_client(group: str, request: HttpRequest) -> str:
    """The client's address (X-Forwarded-For only from trusted proxies)."""
    return client_ip(request)


def by_view_kwarg(name: str) -> Callable[[str, HttpRequest], str]:
    """A limit shared by everyone for one object of the URL, e.g. an e-service."""

    def key(group: str, request: HttpRequest) -> str:
        match = request.resolver_match
        return str(match.kwargs.get(name, "")) if match else ""

    return key


@dataclass(frozen=True)
class Limit:
    """A rate from a setting ("10/h", "100/d", "5/m"; empty: no limit), per key."""

    setting: str
    key: Callable[[str, HttpRequest], str] = field(default=by_client)

    @property
    def rate(self) -> str:
        return getattr(settings, self.setting, "") or ""


@dataclass(frozen=True)
class Throttled:
    retry_after: int  # seconds
    until: datetime.datetime


def _usage(group: str, limit: Limit, request: HttpRequest, *, increment: bool) -> dict | None:
    if not limit.rate:
        return None
    return get_usage(
        request,
        group=f"{group}:{limit.setting}",
        key=limit.key,
        rate=limit.rate,
        method="POST",
        increment=increment,
    )


def check(group: str, limits: tuple[Limit, ...], request: HttpRequest) -> Throttled | None:
    """Whether one more accepted request would go over a limit."""
    waits = []
    for limit in limits:
        usage = _usage(group, limit, request, increment=False)
        if usage and usage["count"] >= usage["limit"]:
            waits.append(max(usage["time_left"], 1))
    if not waits:
        return None
    wait = max(waits)
    return Throttled(retry_after=wait, until=timezone.now() + datetime.timedelta(seconds=wait))


def count(group: str, limits: tuple[Limit, ...], request: HttpRequest) -> None:
    for limit in limits:
        _usage(group, limit, request, increment=True)


def too_many(request: HttpRequest, throttled: Throttled) -> HttpResponse:
    """The kind 429 page: when to try again; nothing was sent."""
    response = render(
        request,
        "errors/429.html",
        {"throttled": throttled, "back": request.get_full_path()},
        status=429,
    )
    response["Retry-After"] = str(throttled.retry_after)
    return response


def redirected(response: HttpResponse) -> bool:
    return 300 <= response.status_code < 400


def throttle(
    group: str,
    *limits: Limit,
    on_limited: Callable[[HttpRequest, Throttled], HttpResponse] | None = None,
    accepted: Callable[[HttpResponse], bool] = redirected,
):
    """Limit the POSTs a view accepts from visitors who are not logged in.
    `accepted` tells from the view's response whether something was taken
    in (default: a redirect); only those count."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if (
                request.method != "POST"
                or current_person(request) is not None
                or getattr(request.user, "is_authenticated", False)
            ):
                return view(request, *args, **kwargs)
            throttled = check(group, limits, request)
            if throttled is not None:
                logger.warning("Throttled %s from %s", group, client_ip(request))
                response = (on_limited or too_many)(request, throttled)
                response.status_code = 429
                response["Retry-After"] = str(throttled.retry_after)
                return response
            response = view(request, *args, **kwargs)
            if accepted(response):
                count(group, limits, request)
            return response

        return wrapper

    return decorator
