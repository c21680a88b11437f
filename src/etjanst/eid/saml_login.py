"""Logging in through a SAML identity provider (Freja eID+, Telia, foreign
eIDs through eIDAS): the e-ID method with one login option per configured
IdP, the outstanding request kept in the session that sent it, and the
refusals with their Swedish messages and security log lines."""

import logging
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from saml2 import saml

from .assurance import LOA3, accepted_for
from .base import EIDMethod, LoginOption
from .contrib.saml import sp
from .contrib.saml.config import IdentityProvider, base_url, identity_provider, identity_providers
from .registry import eid_methods
from .session import client_ip, login, logout

logger = logging.getLogger(__name__)
security_log = logging.getLogger("etjanst.security")

REQUEST_KEY = "etjanst_saml_request"
SESSION_KEY = "etjanst_saml_session"
REQUEST_MAX_AGE = 15 * 60  # seconds a resident may spend at the IdP
POSTED_MAX_AGE = 5 * 60  # seconds a posted response waits for its browser


@eid_methods.register("saml")
class SAMLMethod(EIDMethod):
    name = gettext_lazy("Annan e-legitimation")
    description = gettext_lazy("Freja eID+, Telia eller en utländsk e-legitimation.")

    def login_url(self, next_url: str) -> str:
        return f"{reverse('portal:login')}?{urlencode({'next': next_url})}"

    def login_options(self, next_url: str) -> list[LoginOption]:
        english = (get_language() or "sv").startswith("en")
        options = []
        for idp in identity_providers():
            if idp.metadata_file and not Path(idp.metadata_file).is_file():
                continue  # misconfigured: never offer a login that cannot work
            name = (idp.name_en if english else "") or idp.name
            description = (idp.description_en if english else "") or idp.description
            if not description:
                description = (
                    _("För dig som har en e-legitimation från ett annat land i EU eller EES.")
                    if idp.foreign
                    else _("Logga in med %(name)s.") % {"name": idp.name}
                )
            url = reverse("portal:saml_login", args=[idp.id]) + "?" + urlencode({"next": next_url})
            options.append(
                LoginOption(name=name, description=description, url=url, foreign=idp.foreign)
            )
        return options


MESSAGES = {
    "cancelled": gettext_lazy("Inloggningen avbröts."),
    "idp_failed": gettext_lazy(
        "Inloggningen misslyckades hos e-legitimationen. Försök igen eller välj en annan "
        "e-legitimation."
    ),
    "idp_unavailable": gettext_lazy(
        "Det går inte att logga in med den e-legitimationen just nu. Försök igen senare eller "
        "välj en annan e-legitimation."
    ),
    "expired": gettext_lazy("Inloggningen tog för lång tid och har gått ut. Försök igen."),
    "not_yet_valid": gettext_lazy(
        "Inloggningen kunde inte godkännas eftersom klockan skiljer sig för mycket. Försök igen."
    ),
    "unsolicited": gettext_lazy(
        "Inloggningen kunde inte kopplas till den här webbläsaren. Börja om inloggningen härifrån."
    ),
    "in_response_to": gettext_lazy(
        "Inloggningen kunde inte kopplas till den här webbläsaren. Börja om inloggningen härifrån."
    ),
    "replay": gettext_lazy("Den här inloggningen har redan använts. Logga in igen."),
    "loa": gettext_lazy(
        "Din e-legitimation har inte den tillitsnivå som e-tjänsten kräver. Välj en annan "
        "e-legitimation, till exempel BankID."
    ),
    "personnummer_missing": gettext_lazy(
        "Den här e-tjänsten kräver ett svenskt personnummer, och din e-legitimation gav inget. "
        "Logga in med en svensk e-legitimation, till exempel BankID."
    ),
}
UNTRUSTED = gettext_lazy(
    "Inloggningen kunde inte godkännas eftersom svaret från e-legitimationen inte gick att "
    "kontrollera. Försök igen."
)


def message_for(reason: str) -> str:
    return str(MESSAGES.get(reason, UNTRUSTED))


@dataclass(frozen=True)
class Outcome:
    ok: bool
    next_url: str
    message: str = ""
    reason: str = ""


class LoginUnavailable(Exception):
    """The IdP is unknown, not enabled or its metadata is missing."""


def _enabled_idp(idp_id: str) -> IdentityProvider:
    if "saml" not in eid_methods or not eid_methods["saml"].is_enabled():
        raise LoginUnavailable
    idp = identity_provider(idp_id)
    if idp is None:
        raise LoginUnavailable
    return idp


def start(
    request: HttpRequest,
    idp_id: str,
    *,
    next_url: str,
    loa: str = LOA3,
    needs_personnummer: bool = False,
) -> str:
    """Send a signed AuthnRequest for this session; returns the IdP address."""
    idp = _enabled_idp(idp_id)
    accepted = accepted_for(loa, foreign=idp.foreign)
    try:
        authn = sp.authn_request(
            base_url(request), idp, accepted_loa=accepted, relay_state=secrets.token_urlsafe(16)
        )
    except sp.Refused as exc:
        raise LoginUnavailable from exc
    except Exception as exc:  # metadata missing or broken: the IdP is unavailable
        logger.warning("SAML login with %s unavailable (%s)", idp.id, type(exc).__name__)
        raise LoginUnavailable from exc
    request.session[REQUEST_KEY] = {
        "id": authn.id,
        "idp": idp.id,
        "next": next_url,
        "accepted_loa": accepted,
        "needs_personnummer": needs_personnummer,
        "started_at": time.time(),
    }
    return authn.url


def keep_posted_response(saml_response: str) -> str:
    """The IdP posts cross-site, so the session cookie (SameSite=Lax) is not
    sent with it: keep the response briefly and let the browser fetch the
    result with a same-site GET that carries the session. Returns a token."""
    token = secrets.token_urlsafe(24)
    cache.set(f"saml-posted:{token}", saml_response, timeout=POSTED_MAX_AGE)
    return token


def finish(request: HttpRequest, token: str) -> Outcome:
    """Check the posted response against this session's outstanding request
    and log the person in, or refuse with a message."""
    key = f"saml-posted:{token}"
    encoded = cache.get(key) if token else None
    if encoded is None:  # a guessed or used token must not end a login in progress
        outstanding = request.session.get(REQUEST_KEY)
        next_url = outstanding["next"] if outstanding else "/"
        return _refused(request, None, "expired", "no posted response for the token", next_url)
    cache.delete(key)
    outstanding = request.session.pop(REQUEST_KEY, None)
    next_url = outstanding["next"] if outstanding else "/"
    if outstanding is None:
        return _refused(request, None, "unsolicited", "no outstanding request", next_url)
    idp = identity_provider(outstanding["idp"])
    if idp is None:
        return _refused(request, None, "idp_unavailable", "IdP no longer configured", next_url)
    if time.time() - outstanding["started_at"] > REQUEST_MAX_AGE:
        return _refused(request, idp, "expired", "outstanding request too old", next_url)
    try:
        result = sp.process_response(
            base_url(request),
            encoded,
            idp=idp,
            request_id=outstanding["id"],
            accepted_loa=outstanding["accepted_loa"],
            needs_personnummer=outstanding["needs_personnummer"],
        )
    except sp.Refused as exc:
        return _refused(request, idp, exc.reason, exc.detail, next_url)
    login(request, result.person)
    request.session[SESSION_KEY] = {
        "idp": idp.id,
        "name_id": result.name_id,
        "session_index": result.session_index,
    }
    logger.info("SAML login through %s at %s", idp.id, result.person.loa)
    return Outcome(ok=True, next_url=next_url)


def _refused(request, idp, reason: str, detail: str, next_url: str) -> Outcome:
    # Never a personnummer in a log line: details come from our own texts
    # and exception class names, and long digit runs are masked anyway.
    detail = re.sub(r"\d{10,}", "[nummer]", detail)
    log = logger.info if reason in sp.NOT_SECURITY else security_log.warning
    log(
        "saml_login_refused reason=%s idp=%s ip=%s detail=%s",
        reason,
        idp.id if idp else "-",
        client_ip(request),
        detail,
    )
    return Outcome(ok=False, next_url=next_url, message=message_for(reason), reason=reason)


LOGOUT_KEY = "etjanst_saml_logout"


def start_logout(request: HttpRequest, saml_session: dict | None) -> str | None:
    """After the local logout: the IdP's Single Logout address for a session
    that logged in through it (`saml_session` taken before the session was
    flushed), or None. The LogoutRequest's ID is kept for its answer."""
    if not saml_session:
        return None
    idp = identity_provider(saml_session.get("idp", ""))
    if idp is None:
        return None
    try:
        logout_request = sp.logout_request(
            base_url(request),
            idp,
            name_id=saml_session.get("name_id", ""),
            session_index=saml_session.get("session_index", ""),
            relay_state=secrets.token_urlsafe(16),
        )
    except Exception as exc:  # the local logout is done whatever the IdP says
        logger.warning("SAML logout request to %s failed (%s)", idp.id, type(exc).__name__)
        return None
    if logout_request is None:
        return None
    request.session[LOGOUT_KEY] = {"idp": idp.id, "id": logout_request.id}
    return logout_request.url


def logout_confirmed(request: HttpRequest, query: dict) -> bool:
    """Whether the IdP's LogoutResponse answers our LogoutRequest, signed."""
    pending = request.session.pop(LOGOUT_KEY, None)
    idp = identity_provider(pending["idp"]) if pending else None
    if idp is None:
        return False
    return sp.logout_response_ok(base_url(request), query, idp=idp, request_id=pending["id"])


def idp_logout(request: HttpRequest, query: dict) -> str | None:
    """A LogoutRequest from an IdP (front-channel): log this browser out when
    it is the session the IdP names; returns where to send our answer."""
    try:
        result = sp.answer_logout_request(base_url(request), query, identity_providers())
    except sp.Refused as exc:
        _refused(request, None, exc.reason, f"LogoutRequest: {exc.detail}", "/")
        return None
    saml_session = request.session.get(SESSION_KEY) or {}
    idp = identity_provider(saml_session.get("idp", ""))
    name_id = saml_session.get("name_id", "")
    ours = idp is not None and idp.entity_id == result.issuer and name_id
    if ours and saml.name_id_from_string(name_id).text == result.name_id:
        logout(request)
    return result.answer_url
