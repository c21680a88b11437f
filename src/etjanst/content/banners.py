"""Which operating messages a page shows: site-wide ones everywhere, an
e-service's on that e-service's pages, an e-ID method's on the login pages."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from .constants import Scope
from .current import snapshot
from .models import OperatingMessage

# The portal pages that belong to one e-service (the receipt does not: it is
# about a case already sent).
ESERVICE_PAGES = {
    "intro",
    "start",
    "step",
    "review",
    "cancel",
    "submit_signed",
    "pending_attachment",
}
ANY_EID = "*"


def page_scope(request: HttpRequest) -> tuple[str | None, str | None]:
    """(the e-service's slug, the e-ID method's id or ANY_EID) of the page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "portal":
        return None, None
    if match.url_name in ESERVICE_PAGES and "slug" in match.kwargs:
        return match.kwargs["slug"], None
    if match.url_name == "login":
        return None, ANY_EID
    # /logga-in/bankid/... is named bankid, bankid_start, bankid_wait, ...
    from etjanst.eid.registry import eid_methods

    method = (match.url_name or "").split("_")[0]
    if method in eid_methods:
        return None, method
    return None, None


def messages_for(request: HttpRequest, now: datetime | None = None) -> list[OperatingMessage]:
    """The current messages for the page being shown, most serious first.
    A closure is not among them: the e-service's pages show it where the
    Starta button would be (closures.py), once."""
    now = now or timezone.now()
    slug, eid = page_scope(request)
    shown = []
    for message in snapshot(request).messages:
        if message.closes_eservice or not message.is_current(now):
            continue
        if (
            message.scope == Scope.SITE
            or (message.scope == Scope.ESERVICE and slug and message.eservice.slug == slug)
            or (message.scope == Scope.EID and eid in (ANY_EID, message.eid_method))
        ):
            shown.append(message)
    return shown
