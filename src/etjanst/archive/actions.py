"""Exporting cases to the e-archive: the package is written, then the
export is recorded on every case (history and access log) in one transaction."""

from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from etjanst.audit.actions import record_system_access
from etjanst.audit.models import AccessKind
from etjanst.cases.models import Case, CaseEvent

from .errors import NothingToExport
from .models import ArchiveExport
from .package import Package, build_package
from .queries import check_exportable

# The access log's actor id for an export run by an operator (manage.py),
# who has no account here: the log names them in the text instead.
OPERATOR_ID = 0


def export_cases(*, cases: list[Case], out: IO[bytes], exported_by: str, client=None) -> Package:
    """Write one SIP with `cases` into `out` and record who took it. Refuses
    (nothing written, nothing recorded) unless every case is closed and not
    purged."""
    if not cases:
        raise NothingToExport(_("Det finns inga avslutade ärenden att arkivera."))
    for case in cases:
        check_exportable(case)
    package = build_package(cases=cases, out=out)
    _record(package=package, cases=cases, exported_by=exported_by, client=client)
    return package


@transaction.atomic
def _record(*, package: Package, cases: list[Case], exported_by: str, client) -> ArchiveExport:
    export = ArchiveExport.objects.create(
        package_id=package.package_id,
        client=client,
        exported_by=exported_by,
        sha256=package.sha256,
        size=package.size,
    )
    export.cases.set(cases)
    detail = f"E-arkiv (SIP {package.package_id}) SHA-256 {package.sha256}"
    for case in cases:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.EXPORTED,
            system_name=client.name if client else exported_by,
            visible_to_resident=False,
        )
        record_system_access(
            system_id=client.pk if client else OPERATOR_ID,
            system_name=client.name if client else exported_by,
            case=case,
            kind=AccessKind.EXPORT,
            detail=detail,
        )
    return export
