"""Mina sidor: the logged-in resident's drafts, cases and messages. Every
object is reached through an owner-scoped query: another person's id is a
404, whatever the URL."""

import uuid
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from etjanst.audit.queries import visits_for_case
from etjanst.cases import messaging
from etjanst.cases.downloads import attachment_response, receipt_pdf_response
from etjanst.cases.models import Case, CaseEvent, Message
from etjanst.content.closures import closure_for
from etjanst.eservices.presentation import summarise
from etjanst.guardians.models import GuardianSignature
from etjanst.people.models import Resident
from etjanst.submissions import actions as submission_actions
from etjanst.submissions import drafts
from etjanst.submissions.models import Draft
from etjanst.submissions.session import FormSession

PAGE_SIZE = 25


def person_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.person is None:
            messages.info(request, _("Logga in med e-legitimation för att se Mina sidor."))
            return redirect(f"{reverse('portal:login')}?{urlencode({'next': request.path})}")
        request.resident = Resident.objects.for_person(request.person).first()
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


@person_required
def overview(request):
    resident = request.resident
    cases = Case.objects.owned_by(resident).select_related("eservice", "status")
    unread = Message.objects.filter(
        case__in=Case.objects.owned_by(resident), from_staff=True, read_at__isnull=True
    )
    return render(
        request,
        "portal/mypages/overview.html",
        {
            "drafts": _drafts(resident)[:5],
            "draft_count": Draft.objects.owned_by(resident).count(),
            "ongoing": cases.ongoing().with_unread_for_resident().order_by("-received_at")[:5],
            "ongoing_count": cases.ongoing().count(),
            "unread_count": unread.count(),
            # The Meddelanden card leads to the case with the newest unread message.
            "unread_case_id": unread.order_by("-created_at")
            .values_list("case_id", flat=True)
            .first(),
            **_bookings_overview(resident),
            # Cases about a child that wait for this person's signature.
            "to_sign_count": GuardianSignature.objects.for_person(request.person.personnummer or "")
            .waiting()
            .count(),
        },
    )


def _bookings_overview(resident) -> dict:
    from etjanst.bookings.models import Booking

    upcoming = Booking.objects.owned_by(resident).upcoming().select_related("slot", "resource")
    return {"upcoming_bookings": upcoming[:3], "upcoming_booking_count": upcoming.count()}


TABS = {
    "pagaende": (lambda qs: qs.ongoing(), "portal:my_cases"),
    "avslutade": (lambda qs: qs.closed(), "portal:my_cases_closed"),
}


@person_required
def case_list(request, tab: str = "pagaende"):
    select, _url = TABS[tab]
    cases = (
        select(Case.objects.owned_by(request.resident))
        .select_related("eservice", "status")
        .with_unread_for_resident()
        .order_by("-received_at", "-pk")
    )
    return _render_tab(request, tab, Paginator(cases, PAGE_SIZE))


@person_required
def draft_list(request):
    return _render_tab(request, "ej-inskickade", Paginator(_drafts(request.resident), PAGE_SIZE))


def _drafts(resident):
    return Draft.objects.owned_by(resident).select_related("eservice").order_by("-saved_at")


def _render_tab(request, tab, paginator):
    page = paginator.get_page(request.GET.get("sida"))
    return render(request, "portal/mypages/cases.html", {"tab": tab, "page": page})


def _my_case(request, case_id: int) -> Case:
    return get_object_or_404(
        Case.objects.owned_by(request.resident).select_related("eservice", "version", "status"),
        pk=case_id,
    )


@person_required
def case_detail(request, case_id: int):
    case = _my_case(request, case_id)
    errors, body = {}, ""
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            messaging.send_message(
                case=case,
                body=body,
                from_staff=False,
                client_key=_client_key(request),
                files=request.FILES.getlist("files"),
                resident=request.resident,
            )
        except messaging.MessageInvalid as exc:
            errors = exc.errors
        else:
            messages.success(request, _("Ditt meddelande är skickat."))
            return redirect(f"{reverse('portal:my_case', args=[case.pk])}#meddelanden")
    thread = messaging.thread(case, resident=request.resident)
    messaging.mark_read(case=case, by_staff=False)
    history = case.events.filter(
        visible_to_resident=True,
        kind__in=[
            CaseEvent.Kind.RECEIVED,
            CaseEvent.Kind.STATUS,
            # The other guardian's answer (etjanst.guardians).
            CaseEvent.Kind.GUARDIANS_SIGNED,
            CaseEvent.Kind.GUARDIAN_REJECTED,
            CaseEvent.Kind.GUARDIAN_DEADLINE,
        ],
    ).select_related("status")
    return render(
        request,
        "portal/mypages/case.html",
        {
            "case": case,
            "eservice": case.eservice,
            "sections": summarise(case.version.definition, case.answers),
            "history": history,
            "thread": thread,
            "errors": errors,
            "body": body,
            "client_key": uuid.uuid4(),
            "may_write": messaging.may_write(case=case, from_staff=False),
            "accesses": visits_for_case(case.pk),
            "mine": True,
        },
        status=400 if errors else 200,
    )


def _client_key(request) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get("client_key", ""))
    except ValueError:
        return uuid.uuid4()


@person_required
def case_pdf(request, case_id: int):
    return receipt_pdf_response(_my_case(request, case_id))


@person_required
def case_attachment(request, case_id: int, attachment_id: uuid.UUID):
    case = _my_case(request, case_id)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment_response(attachment)


def _my_draft(request, draft_id: uuid.UUID) -> Draft:
    return get_object_or_404(
        Draft.objects.owned_by(request.resident).select_related("eservice", "version"),
        pk=draft_id,
    )


@person_required
def draft_continue(request, draft_id: uuid.UUID):
    draft = _my_draft(request, draft_id)
    eservice = draft.eservice
    if request.method != "POST":
        return redirect("portal:my_drafts")
    open_for_drafts = (
        draft.version.accepts_drafts
        and eservice.is_active
        and eservice.versions.filter(published_at__isnull=False).exists()
    )
    if not open_for_drafts:
        return render(
            request,
            "portal/mypages/draft_closed.html",
            {"draft": draft, "sections": summarise(draft.version.definition, draft.answers)},
        )
    closure = closure_for(eservice)
    if closure is not None:
        messages.warning(
            request,
            _("%(name)s är stängd just nu. Ditt sparade ärende finns kvar. %(message)s")
            % {"name": eservice.name, "message": closure.localized_text},
        )
        return redirect("portal:my_drafts")
    form = submission_actions.resume_draft(session=request.session, draft=draft)
    if eservice.current_version and eservice.current_version.pk != draft.version_id:
        messages.info(
            request,
            _(
                "E-tjänsten har ändrats sedan du sparade. Du fortsätter med samma frågor "
                "som när du började."
            ),
        )
    number = draft.step_number if form.may_open(draft.step_number) else None
    return redirect(
        "portal:step", slug=eservice.slug, number=number or form.first_incomplete() or 1
    )


@person_required
def draft_delete(request, draft_id: uuid.UUID):
    draft = _my_draft(request, draft_id)
    if request.method == "POST":
        form = FormSession(request.session, draft.eservice)
        if form.draft_id == str(draft.pk):
            form.clear()
        drafts.delete_draft(owner=request.resident, draft_id=draft.pk)
        messages.success(request, _("Det sparade ärendet är borttaget."))
        return redirect("portal:my_drafts")
    return render(request, "portal/mypages/draft_delete.html", {"draft": draft})


@person_required
def my_data(request):
    """Mina uppgifter: what the platform holds, and the register extract."""
    from etjanst.people.actions import request_extract
    from etjanst.people.models import DataExtract

    if request.method == "POST":
        if request.resident is None:
            messages.info(request, _("Vi har inga sparade uppgifter om dig."))
        else:
            request_extract(owner=request.resident)
            messages.success(
                request,
                _(
                    "Ditt registerutdrag görs i ordning. Det brukar ta någon minut. Ladda om "
                    "sidan om en stund."
                ),
            )
        return redirect("portal:my_data")
    extracts = DataExtract.objects.filter(owner=request.resident)[:5] if request.resident else []
    return render(request, "portal/mypages/my_data.html", {"extracts": extracts})


@person_required
def my_data_file(request, extract_id: uuid.UUID, kind: str):
    from django.http import FileResponse

    from etjanst.people.models import DataExtract

    extract = get_object_or_404(
        DataExtract.objects.filter(owner=request.resident, state=DataExtract.State.READY)
        if request.resident
        else DataExtract.objects.none(),
        pk=extract_id,
    )
    field = extract.pdf_file if kind == "pdf" else extract.json_file
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=f"registerutdrag-{extract.requested_at:%Y-%m-%d}.{kind}",
        content_type="application/pdf" if kind == "pdf" else "application/json",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
