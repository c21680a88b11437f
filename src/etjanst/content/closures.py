"""An e-service closed for a while: an operating message about it with
"stäng e-tjänsten" ticked. While it is current nobody can start the
e-service or go on filling it in; the pages say so kindly instead."""

import functools
from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone

from etjanst.eservices.models import EService

from .constants import Scope
from .current import snapshot
from .models import OperatingMessage


def closure_for_slug(
    slug: str, now: datetime | None = None, request: HttpRequest | None = None
) -> OperatingMessage | None:
    """The closing message of the e-service with this slug, or None. Without
    `now`: at this moment, from the cached snapshot (the pages' way); with
    `now`: at that moment, asked of the database."""
    if now is not None:
        return OperatingMessage.objects.closing(slug).current(now).order_by("starts_at").first()
    now = timezone.now()
    for message in snapshot(request).messages:
        if (
            message.closes_eservice
            and message.scope == Scope.ESERVICE
            and message.eservice.slug == slug
            and message.is_current(now)
        ):
            return message
    return None


def closure_for(eservice: EService, now: datetime | None = None) -> OperatingMessage | None:
    """The message that closes the e-service (now, or at `now`), or None when
    it is open. For any page that would let a resident go on with the
    e-service (a saved draft, too): show `message.localized_text` instead."""
    return closure_for_slug(eservice.slug, now)


def closed_response(request: HttpRequest, closure: OperatingMessage):
    response = render(request, "content/closed.html", {"closure": closure}, status=503)
    # A planned closure is no server error: keep it out of django.request's
    # error log (Django skips responses marked as already logged).
    response._has_been_logged = True
    if closure.ends_at:
        seconds = int((closure.ends_at - timezone.now()).total_seconds())
        response["Retry-After"] = str(max(seconds, 60))
    return response


def refuse_when_closed(view):
    """On a view taking the e-service's slug: while the e-service is closed,
    answer with a kind page (503) instead; what the resident has filled in is
    kept."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs):
        closure = closure_for_slug(slug, request=request)
        if closure is not None:
            return closed_response(request, closure)
        return view(request, slug, *args, **kwargs)

    return wrapper
