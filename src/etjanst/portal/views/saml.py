"""The SAML e-ID pages: start a login at an identity provider, receive its
response, the SP metadata and Single Logout. Thin: etjanst.eid.saml_login
decides."""

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from etjanst.eid import saml_login
from etjanst.eid.assurance import LOA3
from etjanst.eid.contrib.saml import sp
from etjanst.eid.contrib.saml.config import base_url
from etjanst.eid.contrib.saml.constants import METADATA_CONTENT_TYPE
from etjanst.eid.registry import eid_methods
from etjanst.eid.session import safe_next
from etjanst.eservices.models import EService

logger = logging.getLogger(__name__)


def _saml_enabled():
    if "saml" not in eid_methods or not eid_methods["saml"].is_enabled():
        raise Http404


def _requirements(next_url: str) -> tuple[str, bool]:
    """The level of assurance and whether a personnummer is needed, for the
    e-service page the resident logs in to reach (loa3 and no otherwise)."""
    try:
        match = resolve(next_url.split("?")[0])
    except Resolver404:
        return LOA3, False
    slug = match.kwargs.get("slug")
    if match.namespace != "portal" or not slug:
        return LOA3, False
    eservice = EService.objects.published().filter(slug=slug).first()
    if eservice is None:
        return LOA3, False
    return eservice.eid_loa, eservice.needs_personnummer


@never_cache
def saml_login_view(request, idp: str):
    _saml_enabled()
    next_url = safe_next(request, request.GET.get("next"))
    loa, needs_personnummer = _requirements(next_url)
    try:
        url = saml_login.start(
            request, idp, next_url=next_url, loa=loa, needs_personnummer=needs_personnummer
        )
    except saml_login.LoginUnavailable:
        messages.error(request, saml_login.message_for("idp_unavailable"))
        return redirect(f"{reverse('portal:login')}?next={next_url}")
    return redirect(url)


@csrf_exempt  # posted by the identity provider; the response itself is signed
@require_POST
def saml_acs(request):
    """The Assertion Consumer Service (HTTP-POST)."""
    _saml_enabled()
    encoded = request.POST.get("SAMLResponse", "")
    if not encoded or len(encoded) > 1_000_000:
        return HttpResponseBadRequest(_("Inget svar från e-legitimationen.").encode())
    token = saml_login.keep_posted_response(encoded)
    return redirect(f"{reverse('portal:saml_finish')}?svar={token}", permanent=False)


@never_cache
@require_GET
def saml_finish(request):
    _saml_enabled()
    outcome = saml_login.finish(request, request.GET.get("svar", ""))
    if outcome.ok:
        return redirect(outcome.next_url)
    messages.error(request, outcome.message)
    return redirect(f"{reverse('portal:login')}?next={outcome.next_url}")


@require_GET
def saml_metadata(request):
    _saml_enabled()
    try:
        xml = sp.metadata_xml(base_url(request))
    except sp.Unavailable as exc:
        logger.error("SAML metadata unavailable: %s", exc)
        return HttpResponse(
            _("Inloggning med e-legitimation är inte tillgänglig just nu."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(xml, content_type=METADATA_CONTENT_TYPE)


@never_cache
@require_GET
def saml_slo(request):
    """Single Logout: the IdP's LogoutResponse after we logged out, or a
    LogoutRequest from the IdP."""
    _saml_enabled()
    query = request.GET.dict()
    if "SAMLRequest" in query:
        answer_url = saml_login.idp_logout(request, query)
        return redirect(answer_url) if answer_url else redirect("portal:catalogue")
    if "SAMLResponse" in query and saml_login.logout_confirmed(request, query):
        messages.success(request, _("Du är utloggad även hos e-legitimationen."))
    else:
        messages.warning(
            request,
            _(
                "Du är utloggad här, men e-legitimationen bekräftade inte utloggningen. "
                "Stäng webbläsaren om du använder en delad dator."
            ),
        )
    return redirect("portal:catalogue")
