"""The API's operations: parse, check the client's permission and scope,
call the same actions and queries as the staff pages, answer."""

import uuid
from datetime import datetime

from django.db.models import Exists, OuterRef
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.files import UploadedFile

from etjanst.audit.actions import record_system_access
from etjanst.audit.models import AccessKind
from etjanst.cases import actions as case_actions
from etjanst.cases import messaging
from etjanst.cases.models import Case, CaseEvent, Status
from etjanst.cases.receipts import ensure_receipt_pdf
from etjanst.eservices.models import EService
from etjanst.integrations import actions as integration_actions
from etjanst.integrations import reports
from etjanst.integrations.constants import Permission
from etjanst.integrations.models import ApiClient, Delivery
from etjanst.integrations.queries import cases_for
from etjanst.people.access import officers_for

from . import cursors
from .auth import require
from .problems import Problem, not_found
from .schemas import (
    AssigneeIn,
    AssigneeOut,
    CaseOut,
    CasePageOut,
    DeliveryIn,
    DeliveryOut,
    EventPageOut,
    MessageCreatedOut,
    NoteIn,
    NoteOut,
    ProblemOut,
    ReportOut,
    StatusChangedOut,
    StatusIn,
)
from .serialize import SUMMARY_FIELDS, case_detail, case_summaries, case_url, status_dict

router = Router()

# Every operation may answer these (problem details).
ERRORS = {code: ProblemOut for code in (400, 401, 403, 404, 429)}
WRITE_ERRORS = {**ERRORS, 409: ProblemOut, 413: ProblemOut, 422: ProblemOut}
MAX_PAGE = 500

EVENT_TYPES = {
    CaseEvent.Kind.RECEIVED: "case.submitted",
    CaseEvent.Kind.STATUS: "case.status_changed",
    CaseEvent.Kind.MESSAGE_FROM_RESIDENT: "case.message_received",
    CaseEvent.Kind.MESSAGE_FROM_STAFF: "case.message_sent",
    CaseEvent.Kind.PURGED: "case.purged",
}


def _eservice(client: ApiClient, slug: str) -> EService:
    eservice = EService.objects.filter(slug=slug).first()
    if eservice is None or not client.may_read_eservice(eservice):
        raise not_found(_("Det finns ingen sådan e-tjänst som ni har åtkomst till."))
    return eservice


def _case(client: ApiClient, case_id: int) -> Case:
    case = (
        cases_for(client)
        .select_related("eservice", "version", "status", "committee", "assigned_to")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise not_found()
    return case


def _log_read(client: ApiClient, case: Case, kind: AccessKind, detail: str = "") -> None:
    record_system_access(
        system_id=client.pk, system_name=client.name, case=case, kind=kind, detail=detail
    )


class CaseFilters(Schema):
    status: str | None = None
    received_since: datetime | None = None
    updated_since: datetime | None = None
    cursor: str | None = None
    limit: int = 100


def _limit(value: int) -> int:
    if not 1 <= value <= MAX_PAGE:
        raise Problem(
            400, "invalid-limit", _("limit måste vara mellan 1 och %(max)d.") % {"max": MAX_PAGE}
        )
    return value


@router.get(
    "/eservices/{slug}/cases",
    tags=["Ärenden"],
    response={200: CasePageOut, **ERRORS},
    summary="Ärenden i en e-tjänst",
    description="Ärendena i id-ordning, en sida i taget. Filtren gäller hela listan; "
    "`updated_since` tar med ärenden med någon händelse sedan dess.",
)
def list_cases(request, slug: str, filters: Query[CaseFilters]):
    client = require(request, Permission.READ_CASES)
    eservice = _eservice(client, slug)
    limit = _limit(filters.limit)
    after = cursors.read(filters.cursor, kind="cases", eservice_id=eservice.pk)
    cases = cases_for(client).filter(eservice=eservice, pk__gt=after)
    if filters.status:
        status = Status.objects.for_eservice(eservice).filter(code=filters.status).first()
        if status is None:
            raise Problem(400, "unknown-status", _("E-tjänsten har ingen status med den koden."))
        cases = cases.filter(status=status)
    if filters.received_since:
        cases = cases.filter(received_at__gte=filters.received_since)
    if filters.updated_since:
        cases = cases.filter(
            Exists(CaseEvent.objects.filter(case=OuterRef("pk"), at__gte=filters.updated_since))
        )
    with cursors.stable_reads(Case._meta.db_table):
        # Only what a summary shows: not the answers (a JSON document to
        # parse per row), and the e-service is the one asked for.
        page = list(cases.select_related("status").only(*SUMMARY_FIELDS).order_by("pk")[:limit])
    next_cursor = None
    if len(page) == limit:
        next_cursor = cursors.make(kind="cases", eservice_id=eservice.pk, last_id=page[-1].pk)
    for case in page:
        case.eservice = eservice
    return {"items": case_summaries(page), "next_cursor": next_cursor}


@router.get(
    "/eservices/{slug}/events",
    tags=["Händelser"],
    response={200: EventPageOut, **ERRORS},
    summary="Händelser i en e-tjänst",
    description="Inkomna ärenden, statusändringar, meddelanden och gallring, i ordning. "
    "Spara `next_cursor` och fråga igen med den: inget hoppas över, inget upprepas.",
)
def list_events(request, slug: str, cursor: str | None = None, limit: int = 100):
    client = require(request, Permission.READ_CASES)
    eservice = _eservice(client, slug)
    limit = _limit(limit)
    after = cursors.read(cursor, kind="events", eservice_id=eservice.pk)
    events = CaseEvent.objects.filter(
        case__in=cases_for(client).filter(eservice=eservice),
        kind__in=list(EVENT_TYPES),
        pk__gt=after,
    )
    with cursors.stable_reads(CaseEvent._meta.db_table):
        page = list(events.select_related("case", "status").order_by("pk")[:limit])
    items = [
        {
            "id": e.pk,
            "type": EVENT_TYPES[e.kind],
            "at": e.at,
            "case_id": e.case_id,
            "registration_number": e.case.registration_number,
            "status": e.status.code if e.status else None,
            "case_url": case_url(e.case_id),
        }
        for e in page
    ]
    # With an empty page the cursor stays: ask again with the same one later.
    last = page[-1].pk if page else after
    return {
        "items": items,
        "next_cursor": cursors.make(kind="events", eservice_id=eservice.pk, last_id=last)
        if last
        else None,
    }


@router.get(
    "/cases/{case_id}",
    tags=["Ärenden"],
    response={200: CaseOut, **ERRORS},
    summary="Ett ärende",
)
def get_case(request, case_id: int):
    client = require(request, Permission.READ_CASES)
    case = _case(client, case_id)
    _log_read(client, case, AccessKind.VIEW)
    return case_detail(case)


BINARY = {
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
}
PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


@router.get(
    "/cases/{case_id}/receipt.pdf",
    tags=["Ärenden"],
    response=ERRORS,
    summary="Ärendets kvitto (PDF)",
    openapi_extra={"responses": {"200": {"description": "Kvittot", **PDF}}},
)
def get_receipt(request, case_id: int):
    client = require(request, Permission.READ_CASES)
    case = _case(client, case_id)
    if case.purged_at:
        raise Problem(404, "purged", _("Ärendet är gallrat. Kvittot finns inte kvar."))
    case = ensure_receipt_pdf(case)
    _log_read(client, case, AccessKind.EXPORT, "PDF")
    name = case.registration_number.replace(" ", "-").replace("/", "-")
    return _file(case.receipt_pdf, f"kvitto-{name}.pdf", "application/pdf")


@router.get(
    "/cases/{case_id}/attachments/{attachment_id}",
    tags=["Ärenden"],
    response=ERRORS,
    summary="En bilaga",
    openapi_extra={"responses": {"200": {"description": "Filen", **BINARY}}},
)
def get_attachment(request, case_id: int, attachment_id: uuid.UUID):
    client = require(request, Permission.READ_CASES)
    case = _case(client, case_id)
    attachment = case.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise not_found(_("Ärendet har ingen sådan bilaga."))
    _log_read(client, case, AccessKind.FILE, attachment.original_name)
    return _file(attachment.file, attachment.original_name, attachment.content_type)


def _file(field, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/cases/{case_id}/status",
    tags=["Handläggning"],
    response={200: StatusChangedOut, **WRITE_ERRORS},
    summary="Ändra status",
    description="Bara de övergångar som e-tjänstens statusar tillåter.",
)
def set_status(request, case_id: int, payload: StatusIn):
    client = require(request, Permission.WRITE_STATUS)
    case = _case(client, case_id)
    to = Status.objects.for_eservice(case.eservice).filter(code=payload.status).first()
    if to is None:
        raise Problem(422, "unknown-status", _("E-tjänsten har ingen status med den koden."))
    try:
        changed = case_actions.transition_case(
            case=case, to=to, system_name=client.name, expected_version=payload.expected_version
        )
    except case_actions.ChangedMeanwhile as exc:
        raise Problem(409, "changed-meanwhile", str(exc)) from exc
    except case_actions.TransitionNotAllowed as exc:
        raise Problem(409, "transition-not-allowed", str(exc)) from exc
    # Not the whole case: that would be a read, logged as one (GET the case).
    return {
        "status": status_dict(changed.status),
        "status_changed_at": changed.status_changed_at,
        "lock_version": changed.lock_version,
    }


@router.post(
    "/cases/{case_id}/messages",
    tags=["Handläggning"],
    response={201: MessageCreatedOut, **WRITE_ERRORS},
    summary="Skicka ett meddelande till invånaren",
    description="multipart/form-data: `body`, valfritt `client_key` (samma nyckel ger samma "
    "meddelande) och upp till fem filer i `files`. Invånaren får ett e-postmeddelande utan "
    "innehåll.",
)
def send_message(
    request,
    case_id: int,
    body: str = Form(..., min_length=1),
    client_key: Form[uuid.UUID | None] = None,
    files: File[list[UploadedFile]] = None,
):
    client = require(request, Permission.WRITE_MESSAGES)
    case = _case(client, case_id)
    try:
        message = messaging.send_message(
            case=case,
            body=body,
            from_staff=True,
            client_key=client_key or uuid.uuid4(),
            files=files or [],
        )
    except messaging.MessageInvalid as exc:
        raise Problem(
            422,
            "message-invalid",
            " ".join(str(v) for v in exc.errors.values()),
            errors=[{"field": k, "message": str(v)} for k, v in exc.errors.items()],
        ) from exc
    return Reply(
        201,
        {
            "id": message.pk,
            "created_at": message.created_at,
            "attachment_ids": [a.pk for a in message.attachments.all()],
        },
    )


@router.post(
    "/cases/{case_id}/notes",
    tags=["Handläggning"],
    response={201: NoteOut, **WRITE_ERRORS},
    summary="Skriv en intern anteckning",
    description="Visas aldrig för invånaren.",
)
def add_note(request, case_id: int, payload: NoteIn):
    client = require(request, Permission.WRITE_MESSAGES)
    case = _case(client, case_id)
    try:
        body = payload.body.strip()
        # Signed with the system's name: the note has no staff author.
        note = case_actions.add_note(
            case=case,
            staff_user=None,
            system_name=client.name,
            body=f"{body}\n\n– {client.name}" if body else "",
        )
    except case_actions.NoteInvalid as exc:
        raise Problem(422, "note-invalid", str(exc)) from exc
    return Reply(201, {"id": note.pk, "created_at": note.created_at})


@router.put(
    "/cases/{case_id}/assignee",
    tags=["Handläggning"],
    response={200: AssigneeOut, **WRITE_ERRORS},
    summary="Tilldela en handläggare",
)
def assign(request, case_id: int, payload: AssigneeIn):
    client = require(request, Permission.WRITE_STATUS)
    case = _case(client, case_id)
    to = None
    if payload.username:
        to = officers_for(case).filter(username=payload.username).first()
        if to is None:
            raise Problem(
                422,
                "unknown-officer",
                _("Det finns ingen handläggare med det användarnamnet för ärendet."),
            )
    try:
        locked = case_actions.assign_case(
            case=case,
            to=to,
            staff_user=None,
            system_name=client.name,
            expected_version=payload.expected_version,
        )
    except case_actions.ChangedMeanwhile as exc:
        raise Problem(409, "changed-meanwhile", str(exc)) from exc
    except case_actions.TransitionNotAllowed as exc:
        raise Problem(422, "unknown-officer", str(exc)) from exc
    return {"username": to.get_username() if to else None, "lock_version": locked.lock_version}


@router.put(
    "/cases/{case_id}/delivery",
    tags=["Leverans"],
    response={200: DeliveryOut, 201: DeliveryOut, **WRITE_ERRORS},
    summary="Bekräfta att ert system har ärendet",
    description="Med ert id eller diarienummer. Samma id igen ändrar inget (200); "
    "ett annat id ger 409.",
)
def confirm_delivery(request, case_id: int, payload: DeliveryIn):
    client = require(request, Permission.DELIVERIES)
    case = _case(client, case_id)
    try:
        delivery, created = integration_actions.confirm_delivery(
            case=case, client=client, external_id=payload.external_id
        )
    except integration_actions.DeliveryConflict as exc:
        raise Problem(409, "delivery-conflict", str(exc)) from exc
    except integration_actions.IntegrationError as exc:
        raise Problem(422, "delivery-invalid", str(exc)) from exc
    return Reply(201 if created else 200, _delivery(delivery, client))


@router.get(
    "/cases/{case_id}/delivery",
    tags=["Leverans"],
    response={200: DeliveryOut, **ERRORS},
    summary="Er bekräftelse av ärendet",
)
def get_delivery(request, case_id: int):
    client = require(request, Permission.DELIVERIES)
    case = _case(client, case_id)
    delivery = Delivery.objects.filter(case=case, client=client).first()
    if delivery is None:
        raise not_found(_("Ni har inte bekräftat det här ärendet."))
    return _delivery(delivery, client)


def _delivery(delivery: Delivery, client: ApiClient) -> dict:
    return {
        "system": client.name,
        "external_id": delivery.external_id,
        "confirmed_at": delivery.confirmed_at,
        "method": delivery.method,
    }


MAX_REPORT_DAYS = 366


class ReportPeriod(Schema):
    since: datetime
    until: datetime


def _period(period: ReportPeriod) -> tuple[datetime, datetime]:
    since, until = period.since, period.until
    if since.tzinfo is None or until.tzinfo is None:
        raise Problem(
            400, "invalid-period", _("Ange tider med tidszon, t.ex. 2026-01-01T00:00:00+01:00.")
        )
    if until <= since:
        raise Problem(400, "invalid-period", _("until måste vara efter since."))
    if (until - since).days > MAX_REPORT_DAYS:
        raise Problem(
            400,
            "invalid-period",
            _("Perioden får vara högst %(days)d dagar.") % {"days": MAX_REPORT_DAYS},
        )
    return since, until


@router.get(
    "/deliveries/report",
    tags=["Leverans"],
    response={200: ReportOut, **ERRORS},
    summary="Avstämning: era ärenden under en period",
    description="Varje ärende i er behörighet som kom in under perioden [since, until), "
    "med när det skickades, läget, när ni bekräftade det och ert id. "
    "Högst 366 dagar åt gången.",
)
def delivery_report(request, period: Query[ReportPeriod]):
    client = require(request, Permission.DELIVERIES)
    since, until = _period(period)
    rows = reports.reconciliation(client=client, since=since, until=until)
    return {"system": client.name, "since": since, "until": until, "items": reports.as_dicts(rows)}


CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}}


@router.get(
    "/deliveries/report.csv",
    tags=["Leverans"],
    response=ERRORS,
    summary="Avstämning som CSV",
    description="Samma som /deliveries/report, som CSV (UTF-8, rubrikrad, tider i ISO 8601).",
    openapi_extra={"responses": {"200": {"description": "Rapporten", **CSV}}},
)
def delivery_report_csv(request, period: Query[ReportPeriod]):
    client = require(request, Permission.DELIVERIES)
    since, until = _period(period)
    rows = reports.reconciliation(client=client, since=since, until=until)
    response = HttpResponse(reports.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="avstamning-{since:%Y%m%d}-{until:%Y%m%d}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
