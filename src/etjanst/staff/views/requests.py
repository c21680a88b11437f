"""Requests for public documents (utlämnande): the list with its clock, the
secrecy review of a case and the release. Requests are reached through
`DocumentRequest.objects.visible_to_staff(user)` and cases through
`Case.objects.visible_to_staff(user)`: anything else is a 404. Opening a
case for a review is written to the access log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etjanst.audit.actions import record_access
from etjanst.audit.models import AccessKind
from etjanst.cases.models import Case
from etjanst.diarium import actions
from etjanst.diarium.constants import SECRECY_GROUNDS
from etjanst.diarium.models import DocumentRequest, RequestStatus
from etjanst.diarium.queries import named_cases
from etjanst.diarium.redaction import Review, grounds_in_use, review_items
from etjanst.diarium.workdays import is_overdue, working_days_waited
from etjanst.people.access import is_staff_member, role_for

from .access import staff_view

PAGE_SIZE = 50


def _request(request, request_id: int) -> DocumentRequest:
    return get_object_or_404(
        DocumentRequest.objects.visible_to_staff(request.user).select_related("committee"),
        pk=request_id,
    )


def _clock(item: DocumentRequest) -> dict:
    return {
        "waited": working_days_waited(item.received_at),
        "overdue": item.status == RequestStatus.RECEIVED and is_overdue(item.received_at),
    }


@staff_view(logged_in=is_staff_member)
def request_list(request):
    closed = request.GET.get("visa") == "avslutade"
    requests = DocumentRequest.objects.visible_to_staff(request.user).select_related("committee")
    if closed:
        requests = requests.filter(status=RequestStatus.DONE).order_by("-closed_at", "-pk")
    else:
        requests = requests.filter(status=RequestStatus.RECEIVED).order_by("received_at", "pk")
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "staff/requests/list.html",
        {
            "page": page,
            "rows": [(item, _clock(item)) for item in page.object_list],
            "closed": closed,
        },
    )


@staff_view(logged_in=is_staff_member)
def request_detail(request, request_id: int):
    item = _request(request, request_id)
    visible = Case.objects.visible_to_staff(request.user).select_related("eservice")
    query = request.GET.get("diarienummer", "").strip()[:50]
    found = []
    if query:
        found = list(visible.filter(registration_number__icontains=query).order_by("-pk")[:20])
    named = list(visible.filter(named_cases(item.wanted))[:10])
    return render(
        request,
        "staff/requests/detail.html",
        {
            "item": item,
            "clock": _clock(item),
            "query": query,
            "found": found,
            "named": named,
            "releases": item.releases.all(),
        },
    )


@staff_view(logged_in=is_staff_member)
def review(request, request_id: int, case_id: int):
    item = _request(request, request_id)
    case = get_object_or_404(
        Case.objects.visible_to_staff(request.user).select_related(
            "eservice", "version", "committee"
        ),
        pk=case_id,
    )
    role = role_for(request.user, case)
    errors = {}
    if request.method == "POST":
        if item.status != RequestStatus.RECEIVED:
            raise Http404
        chosen, errors = Review.from_post(case, request.POST)
        if not errors:
            release = actions.release_documents(
                request=item, case=case, review=chosen, staff_user=request.user, role=role
            )
            messages.success(
                request,
                _("Handlingen %(number)s är utlämnad.") % {"number": release.registration_number}
                + (
                    " " + _("Ett beslut om sekretess har skrivits.") if release.has_decision else ""
                ),
            )
            return redirect("staff:document_request", request_id=item.pk)
    else:
        chosen = Review.preset(case)
        record_access(
            user=request.user,
            role=role,
            case=case,
            kind=AccessKind.VIEW,
            detail=f"Sekretessprövning {item.registration_number}",
        )
    return render(
        request,
        "staff/requests/review.html",
        {
            "item": item,
            "case": case,
            "items": review_items(case, chosen),
            "grounds": grounds_in_use(chosen),
            "ground_texts": dict(SECRECY_GROUNDS),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@staff_view(logged_in=is_staff_member)
def release_pdf(request, request_id: int, release_id: int, kind: str):
    item = _request(request, request_id)
    release = get_object_or_404(item.releases, pk=release_id)
    file = release.masked_pdf if kind == "kopia" else release.decision_pdf
    if not file:
        raise Http404
    name = f"{kind}-{release.registration_number}".replace(" ", "-").replace("/", "-")
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view(logged_in=is_staff_member)
@require_POST
def close(request, request_id: int):
    item = _request(request, request_id)
    actions.close_request(request=item)
    messages.success(request, _("Begäran är avslutad."))
    return redirect("staff:document_requests")
