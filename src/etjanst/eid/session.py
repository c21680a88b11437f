"""Logging a person in and out of the browser session."""

import time

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from .person import Person

PERSON_KEY = "etjanst_person"
ACTIVITY_KEY = "etjanst_last_activity"
# Session keys that hold what was looked up about the person logged in (the
# population register's answers, say): dropped when someone logs in. The apps
# that own them add them here when they start (`forget_on_login`).
PERSON_BOUND_KEYS: set[str] = set()


def forget_on_login(key: str) -> None:
    PERSON_BOUND_KEYS.add(key)


def login(request: HttpRequest, person: Person) -> None:
    """Rotate the session key (no session fixation) and remember the person."""
    request.session.cycle_key()
    for key in PERSON_BOUND_KEYS:  # e.g. what the register said about someone else
        request.session.pop(key, None)
    request.session[PERSON_KEY] = person.as_session()
    request.session[ACTIVITY_KEY] = time.time()


def logout(request: HttpRequest) -> None:
    """Forget everything in the session, answers in progress included."""
    request.session.flush()


def current_person(request: HttpRequest) -> Person | None:
    return Person.from_session(request.session.get(PERSON_KEY))


def safe_next(request: HttpRequest, candidate: str | None, default: str = "/") -> str:
    """Only addresses on this site: no open redirect."""
    on_site = candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if on_site and candidate.startswith("/") and not candidate.startswith("//"):
        return candidate
    return default


def client_ip(request: HttpRequest) -> str:
    """The resident's address. X-Forwarded-For is believed only when the
    request comes from a proxy listed in ETJANST_TRUSTED_PROXIES."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.ETJANST_TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    forwarded = [
        a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
    ]
    for address in reversed(forwarded):
        if address not in trusted:
            return address
    return remote
