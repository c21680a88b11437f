"""Export to the e-archive: one case, or an e-service's cases closed in a
period, as an FGS/E-ARK SIP (ZIP). Needs the archive_export permission;
only the client's own e-services (docs/archive.md)."""

import base64
import tempfile
from datetime import date

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from etjanst.archive.actions import export_cases
from etjanst.archive.errors import ArchiveError, BadPeriod, NothingToExport
from etjanst.archive.queries import closed_in_period
from etjanst.eservices.models import EService
from etjanst.integrations.constants import Permission
from etjanst.integrations.queries import cases_for

from .auth import require
from .problems import Problem, not_found
from .schemas import ProblemOut

router = Router(tags=["E-arkiv"])

# Each case's receipt is drawn as PDF/A while the client waits (about a
# second a case here): a longer period is split, or exported with
# manage.py export_archive, which has no limit.
MAX_CASES = 100

ERRORS = {code: ProblemOut for code in (400, 401, 403, 404, 409, 422, 429)}
ZIP = {
    "200": {
        "description": "Arkivpaketet (SIP, ZIP). `Repr-Digest` har paketets SHA-256.",
        "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class Period(Schema):
    start: date = Field(alias="from", description="Första dagen (ÅÅÅÅ-MM-DD)")
    end: date = Field(alias="to", description="Sista dagen, tas med (ÅÅÅÅ-MM-DD)")


def _problem(error: ArchiveError) -> Problem:
    if isinstance(error, BadPeriod):
        return Problem(400, error.code, error.message)
    if isinstance(error, NothingToExport):
        return Problem(422, error.code, error.message)
    return Problem(409, error.code, error.message)


def _package_response(client, cases) -> FileResponse:
    # FileResponse closes it when the body has been sent (or the client left).
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        package = export_cases(cases=cases, out=spool, exported_by=client.name, client=client)
    except ArchiveError as error:
        spool.close()
        raise _problem(error) from error
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=f"sip-{package.package_id}.zip",
        content_type="application/zip",
    )
    digest = base64.b64encode(bytes.fromhex(package.sha256)).decode()
    response["Repr-Digest"] = f"sha-256=:{digest}:"  # RFC 9530
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.get(
    "/cases/{case_id}/archive.zip",
    response=ERRORS,
    summary="Ett avslutat ärende som arkivpaket (FGS/E-ARK SIP)",
    openapi_extra={"responses": ZIP},
)
def export_case(request, case_id: int):
    client = require(request, Permission.ARCHIVE_EXPORT)
    case = (
        cases_for(client)
        .select_related("eservice", "version", "status", "committee", "assigned_to")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise not_found()
    return _package_response(client, [case])


@router.get(
    "/eservices/{slug}/archive.zip",
    response=ERRORS,
    summary="En e-tjänsts ärenden som avslutades under en period, som ett arkivpaket",
    openapi_extra={"responses": ZIP},
)
def export_period(request, slug: str, period: Query[Period]):
    client = require(request, Permission.ARCHIVE_EXPORT)
    eservice = EService.objects.filter(slug=slug).first()
    if eservice is None or not client.may_read_eservice(eservice):
        raise not_found(_("Det finns ingen sådan e-tjänst som ni har åtkomst till."))
    try:
        cases = list(
            closed_in_period(
                cases_for(client), eservice=eservice, start=period.start, end=period.end
            )
        )
    except ArchiveError as error:
        raise _problem(error) from error
    if len(cases) > MAX_CASES:
        raise Problem(
            422,
            "too-many-cases",
            _(
                "Perioden har %(count)d avslutade ärenden; ett paket via API:et rymmer högst "
                "%(max)d. Dela upp perioden."
            )
            % {"count": len(cases), "max": MAX_CASES},
        )
    return _package_response(client, cases)
