"""The public register (diarium) and the form to ask for a public document.
No login: anyone may read the register and ask, and is never asked who
they are or why (TF 2:18)."""

import uuid
from datetime import date
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from etjanst.config.throttle import Limit, Throttled, throttle
from etjanst.diarium import actions
from etjanst.diarium.models import DeliveryForm, DocumentRequest
from etjanst.diarium.queries import PAGE_SIZE, RegisterFilters, public_entry, register_cases
from etjanst.eservices.models import EService
from etjanst.organisation.models import Committee

REQUESTS_KEY = "etjanst_document_requests"


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _number(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 10 else None


def register(request):
    get = request.GET
    filters = RegisterFilters(
        registration_number=get.get("diarienummer", "").strip()[:50],
        date_from=_date(get.get("fran", "")),
        date_to=_date(get.get("till", "")),
        committee_id=_number(get.get("namnd", "")),
        eservice_id=_number(get.get("e-tjanst", "")),
    )
    page = Paginator(register_cases(filters), PAGE_SIZE).get_page(get.get("sida"))
    keep = {k: v for k, v in get.items() if k != "sida" and v}
    return render(
        request,
        "portal/diarium/register.html",
        {
            "page": page,
            "entries": [public_entry(case) for case in page.object_list],
            "filters": filters,
            "committees": Committee.objects.order_by("name"),
            "eservices": EService.objects.order_by("name").only("pk", "name"),
            "querystring": urlencode({k: v for k, v in keep.items() if k in _FILTER_KEYS}),
            "any_filter": bool(keep),
        },
    )


_FILTER_KEYS = {"diarienummer", "fran", "till", "namnd", "e-tjanst"}


def _request_form_again(request, throttled: Throttled):
    """Over the limit: the same form with what was written, and when to send."""
    return _request_form(request, posted=request.POST, errors={}, throttled=throttled)


@require_http_methods(["GET", "POST"])
@throttle(
    "document-request", Limit("ETJANST_RATE_DOCUMENT_REQUESTS"), on_limited=_request_form_again
)
def request_document(request):
    errors, posted = {}, {}
    if request.method == "POST":
        posted = request.POST
        try:
            key = uuid.UUID(posted.get("key", ""))
        except ValueError:
            key = uuid.uuid4()
        try:
            made = actions.submit_document_request(
                wanted=posted.get("wanted", ""),
                delivery=posted.get("delivery", ""),
                contact_name=posted.get("contact_name", ""),
                contact_email=posted.get("contact_email", ""),
                contact_address=posted.get("contact_address", ""),
                submission_key=key,
            )
        except actions.RequestInvalid as exc:
            errors = exc.errors
        else:
            # Only this browser may see the confirmation page.
            mine = request.session.get(REQUESTS_KEY, [])[-19:]
            request.session[REQUESTS_KEY] = [*mine, made.pk]
            return redirect("portal:document_request_done", request_id=made.pk)
    return _request_form(request, posted=posted, errors=errors)


def _request_form(request, *, posted, errors, throttled: Throttled | None = None):
    return render(
        request,
        "portal/diarium/request.html",
        {
            "errors": errors,
            "posted": posted,
            "key": posted.get("key") or uuid.uuid4(),
            "deliveries": DeliveryForm.choices,
            "throttled": throttled,
        },
        status=429 if throttled else 400 if errors else 200,
    )


def request_done(request, request_id: int):
    if request_id not in request.session.get(REQUESTS_KEY, []):
        raise Http404
    made = DocumentRequest.objects.filter(pk=request_id).first()
    if made is None:
        raise Http404
    return render(request, "portal/diarium/request_done.html", {"made": made})
