"""Which cases may go to the e-archive."""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.cases.models import Case
from etjanst.eservices.models import EService

from .errors import BadPeriod, CaseNotClosed, CasePurged


def check_exportable(case: Case) -> None:
    """Only a closed case that still has its documents goes to the archive."""
    if case.purged_at is not None:
        raise CasePurged(
            _("Ärende %(number)s är gallrat: bara uppgifterna i diariet finns kvar.")
            % {"number": case.registration_number}
        )
    if not case.status.is_closed:
        raise CaseNotClosed(
            _("Ärende %(number)s är inte avslutat. Bara avslutade ärenden kan arkiveras.")
            % {"number": case.registration_number}
        )


def closed_in_period(cases, *, eservice: EService, start: date, end: date):
    """The e-service's closed, unpurged cases whose status became closed from
    `start` to `end` (both days included, local time)."""
    if end < start:
        raise BadPeriod(_("Periodens slut ligger före dess början."))
    zone = timezone.get_current_timezone()
    begins = datetime.combine(start, time.min, tzinfo=zone)
    ends = datetime.combine(end, time.max, tzinfo=zone)
    return (
        cases.closed()
        .filter(
            eservice=eservice,
            purged_at__isnull=True,
            status_changed_at__gte=begins,
            status_changed_at__lte=ends,
        )
        .select_related("eservice", "version", "committee", "status", "assigned_to")
        .order_by("registration_year", "registration_sequence", "pk")
    )
