"""The officer's inbox and case page. Every case is reached through
`Case.objects.visible_to_staff(user)` (404 outside one's committees and
e-services); every opening of a case, a file or an export is written to the
access log."""

import json
import uuid

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from etjanst.audit.models import AccessLogEntry
from etjanst.cases import actions, messaging
from etjanst.cases.downloads import attachment_response, receipt_pdf_response
from etjanst.cases.models import Case, Status
from etjanst.eid import personnummer as pnr
from etjanst.eservices.models import EService
from etjanst.eservices.presentation import labelled_answers, summarise
from etjanst.people.access import (
    accesses,
    case_scope,
    is_staff_member,
    may_handle,
    officers_for,
)
from etjanst.people.models import HANDLES_CASES, StaffAccess
from etjanst.retention.actions import set_legal_hold

from .access import staff_view

PAGE_SIZE = 50
SEARCH_KEY = "etjanst_staff_search"
TABS = [
    ("nya", "staff:inbox", gettext_lazy("Nya")),
    ("mina", "staff:inbox_mine", gettext_lazy("Mina")),
    ("oppna", "staff:inbox_open", gettext_lazy("Alla öppna")),
    ("avslutade", "staff:inbox_closed", gettext_lazy("Avslutade")),
    # Sent by one guardian, waiting for the other's signature (not yet new).
    ("vantar", "staff:inbox_waiting", gettext_lazy("Väntar på underskrift")),
]


@staff_view(logged_in=is_staff_member)
def inbox(request, tab: str = "nya"):
    user = request.user
    cases = Case.objects.visible_to_staff(user).select_related("eservice", "status", "assigned_to")
    if tab == "nya":
        cases = cases.new_unassigned()
    elif tab == "mina":
        cases = cases.filter(assigned_to=user).ongoing()
    elif tab == "oppna":
        cases = cases.ongoing()
    elif tab == "vantar":
        cases = cases.awaiting_signatures()
    else:
        cases = cases.closed()
    filters = _filters(request)
    if filters["eservice"]:
        cases = cases.filter(eservice_id=filters["eservice"])
    if filters["status"]:
        cases = cases.filter(status_id=filters["status"])
    if filters["officer"] == "ingen":
        cases = cases.filter(assigned_to__isnull=True)
    elif filters["officer"]:
        cases = cases.filter(assigned_to_id=filters["officer"])
    query = request.session.get(SEARCH_KEY, "") if request.GET.get("sok") else ""
    if query:
        cases = cases.filter(_search(query))
    page = Paginator(cases.order_by("-received_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(
        request,
        "staff/inbox.html",
        {
            "tab": tab,
            "tabs": TABS,
            "page": page,
            "query": query,
            "filters": filters,
            "eservices": _eservices(user),
            "statuses": Status.objects.filter(
                Q(eservice__isnull=True) | Q(eservice__in=_eservices(user))
            ).select_related("eservice"),
            "officers": _officers(user),
            "querystring": _querystring(request),
        },
    )


def _filters(request) -> dict:
    def number(name):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    officer = request.GET.get("handlaggare", "")
    return {
        "eservice": number("e-tjanst"),
        "status": number("status"),
        "officer": "ingen" if officer == "ingen" else number("handlaggare"),
    }


def _querystring(request) -> str:
    """The filters, to keep them across pages (never a personnummer: the
    search text stays in the session)."""
    keep = {
        k: v for k, v in request.GET.items() if k in {"e-tjanst", "status", "handlaggare", "sok"}
    }
    return "&".join(f"{k}={v}" for k, v in keep.items() if v)


def _search(query: str) -> Q:
    """A registration number, a full personnummer, or a name."""
    try:
        return Q(sender_personnummer=pnr.parse(query, allow_samordningsnummer=True))
    except pnr.InvalidPersonnummer:
        pass
    return Q(registration_number__icontains=query) | Q(sender_name__icontains=query)


def _eservices(user):
    scope = case_scope(user)
    if scope is None:
        return EService.objects.order_by("name")
    mine = [a for a in accesses(user) if a.role in HANDLES_CASES or a.role == "registrar"]
    return EService.objects.filter(
        Q(committee_id__in={a.committee_id for a in mine if a.committee_id})
        | Q(pk__in={a.eservice_id for a in mine if a.eservice_id})
    ).order_by("name")


def _officers(user):
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(staff_access__in=StaffAccess.objects.filter(role__in=HANDLES_CASES))
        )
        .filter(is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


@staff_view(logged_in=is_staff_member)
def search(request):
    """The search text is POSTed and kept in the session: a personnummer
    never appears in an address or a server log."""
    if request.method == "POST":
        query = request.POST.get("q", "").strip()[:100]
        request.session[SEARCH_KEY] = query
        if query:
            return redirect(f"{reverse('staff:inbox_open')}?sok=1")
    return redirect("staff:inbox")


def _case(request, case_id: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to_staff(request.user).select_related(
            "eservice", "version", "status", "assigned_to", "committee"
        ),
        pk=case_id,
    )


def _handling(request, case_id: int) -> Case:
    case = _case(request, case_id)
    if request.method != "POST":
        raise Http404
    if not may_handle(request.user, case):
        raise PermissionDenied
    return case


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@staff_view(logged_in=is_staff_member)
def case_detail(request, case_id: int, *, errors=None, status=200):
    case = _case(request, case_id)
    role = actions.open_case(case=case, staff_user=request.user)
    handles = may_handle(request.user, case)
    if handles:
        messaging.mark_read(case=case, by_staff=True)
    return render(
        request,
        "staff/case.html",
        {
            "case": case,
            "eservice": case.eservice,
            "sections": summarise(case.version.definition, case.answers),
            "handles": handles,
            "role": role,
            "next_statuses": case.status.next_statuses.order_by("order"),
            "officers": officers_for(case) if handles else [],
            "notes": case.notes.select_related("author"),
            "thread": messaging.thread(case),
            "events": case.events.select_related("status", "staff_user"),
            "accesses": AccessLogEntry.objects.filter(case_id=case.pk).order_by("-pk")[:50],
            "errors": errors or {},
            "posted": request.POST if errors else {},
            "client_key": uuid.uuid4(),
            "staff": True,
        },
        status=status,
    )


def _back(case):
    return redirect("staff:case", case_id=case.pk)


@staff_view(logged_in=is_staff_member)
def change_status(request, case_id: int):
    case = _handling(request, case_id)
    to = case.status.next_statuses.filter(pk=request.POST.get("status") or 0).first()
    if to is None:
        messages.error(request, _("Den statusen går inte att välja för ärendet just nu."))
        return _back(case)
    try:
        actions.transition_case(
            case=case, to=to, staff_user=request.user, expected_version=_version(request)
        )
    except (actions.ChangedMeanwhile, actions.TransitionNotAllowed) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Ärendet har nu status %(status)s.") % {"status": to.name})
    return _back(case)


@staff_view(logged_in=is_staff_member)
def assign(request, case_id: int):
    case = _handling(request, case_id)
    choice = request.POST.get("officer", "")
    if choice == "me":
        to = request.user
    elif choice.isdigit():
        to = officers_for(case).filter(pk=int(choice)).first()
        if to is None:
            messages.error(request, _("Välj en handläggare i listan."))
            return _back(case)
    else:
        to = None
    try:
        actions.assign_case(
            case=case, to=to, staff_user=request.user, expected_version=_version(request)
        )
    except (actions.ChangedMeanwhile, actions.TransitionNotAllowed) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Ärendet är tilldelat %(name)s.") % {"name": to.get_full_name() or to.username}
            if to
            else _("Ärendet är inte längre tilldelat någon."),
        )
    return _back(case)


@staff_view(logged_in=is_staff_member)
def add_note(request, case_id: int):
    case = _handling(request, case_id)
    try:
        actions.add_note(case=case, staff_user=request.user, body=request.POST.get("body", ""))
    except actions.NoteInvalid as exc:
        return case_detail(request, case_id, errors={"note": str(exc)}, status=400)
    messages.success(request, _("Anteckningen är sparad."))
    return redirect(f"{reverse('staff:case', args=[case.pk])}#anteckningar")


@staff_view(logged_in=is_staff_member)
def send_message(request, case_id: int):
    case = _handling(request, case_id)
    try:
        key = uuid.UUID(request.POST.get("client_key", ""))
    except ValueError:
        key = uuid.uuid4()
    try:
        messaging.send_message(
            case=case,
            body=request.POST.get("body", ""),
            from_staff=True,
            client_key=key,
            files=request.FILES.getlist("files"),
            staff_user=request.user,
        )
    except messaging.MessageInvalid as exc:
        errors = {f"message_{k}": v for k, v in exc.errors.items()}
        return case_detail(request, case_id, errors=errors, status=400)
    messages.success(request, _("Meddelandet är skickat till invånaren."))
    return redirect(f"{reverse('staff:case', args=[case.pk])}#meddelanden")


@staff_view(logged_in=is_staff_member)
def legal_hold(request, case_id: int):
    """Stop or allow the purge of a case (officers and registrars)."""
    case = _case(request, case_id)
    if request.method != "POST":
        raise Http404
    hold = request.POST.get("hold") == "on"
    reason = request.POST.get("reason", "").strip()
    if hold and not reason:
        messages.error(request, _("Skriv varför ärendet ska spärras för gallring."))
        return _back(case)
    set_legal_hold(case=case, hold=hold, reason=reason, staff_user=request.user)
    messages.success(
        request,
        _("Ärendet är spärrat för gallring.") if hold else _("Spärren för gallring är hävd."),
    )
    return _back(case)


@staff_view(logged_in=is_staff_member)
def purge_preview(request):
    """What will be purged in the coming 30 days, in the user's scope."""
    from django.utils import timezone

    from etjanst.retention.actions import upcoming
    from etjanst.retention.models import PurgeLogEntry

    return render(
        request,
        "staff/purge_preview.html",
        {
            "upcoming": upcoming(now=timezone.now(), days=30, scope=case_scope(request.user)),
            "recent": PurgeLogEntry.objects.all()[:20],
        },
    )


@staff_view(logged_in=is_staff_member)
def attachment(request, case_id: int, attachment_id: uuid.UUID):
    case = _case(request, case_id)
    file = case.attachments.filter(pk=attachment_id).first()
    if file is None:
        raise Http404
    actions.open_attachment(case=case, attachment=file, staff_user=request.user)
    return attachment_response(file)


@staff_view(logged_in=is_staff_member)
def export_pdf(request, case_id: int):
    case = _case(request, case_id)
    actions.export_case(case=case, staff_user=request.user, what="PDF")
    return receipt_pdf_response(case)


@staff_view(logged_in=is_staff_member)
def export_json(request, case_id: int):
    case = _case(request, case_id)
    actions.export_case(case=case, staff_user=request.user, what="JSON")
    document = {
        "registration_number": case.registration_number,
        "eservice": {"slug": case.eservice.slug, "name": case.eservice.name},
        "version": case.version.number,
        "committee": case.committee.name,
        "received_at": case.received_at.isoformat(),
        "status": {"code": case.status.code, "name": case.status.name},
        "sender_name": case.sender_name,
        "answers": case.answers,
        # The same answers with question labels and option texts beside the codes.
        "answers_labelled": labelled_answers(case.version.definition, case.answers),
        "signature": case.signature,
        "attachments": [
            {"id": str(a.pk), "name": a.original_name, "size": a.size, "type": a.content_type}
            for a in case.attachments.all()
        ],
        "messages": [
            {"from_staff": m.from_staff, "at": m.created_at.isoformat(), "body": m.body}
            for m in case.messages.all()
        ],
        "notes": [{"at": n.created_at.isoformat(), "body": n.body} for n in case.notes.all()],
        "events": [
            {"kind": e.kind, "at": e.at.isoformat(), "status": e.status.code if e.status else None}
            for e in case.events.select_related("status")
        ],
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2), content_type="application/json"
    )
    name = case.registration_number.replace(" ", "-").replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="arende-{name}.json"'
    return response
