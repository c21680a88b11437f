"""Reading the access log for the resident: repeated opens by one officer
in a short time are one visit (a page that reloads, a file opened twice).
Only the resident's view is collapsed; every raw row stays in the log."""

import datetime
from dataclasses import dataclass

from .models import AccessKind, AccessLogEntry

# Opens of the same kind by the same officer this close together are one
# visit (the issue saw five rows for one officer's single visit).
COLLAPSE_WINDOW = datetime.timedelta(minutes=30)
RAW_ROWS_READ = 1000


@dataclass
class AccessVisit:
    first_at: datetime.datetime
    last_at: datetime.datetime
    user_id: int
    user_name: str
    role_display: str
    kind: str
    count: int

    @property
    def kind_display(self) -> str:
        return str(AccessKind(self.kind).label)


def visits_for_case(case_id: int, *, limit: int = 100) -> list[AccessVisit]:
    """The case's access log as the resident reads it, newest first."""
    entries = list(AccessLogEntry.objects.filter(case_id=case_id).order_by("-pk")[:RAW_ROWS_READ])
    visits = collapse(reversed(entries))
    return sorted(visits, key=lambda visit: visit.first_at, reverse=True)[:limit]


def collapse(entries, window: datetime.timedelta = COLLAPSE_WINDOW) -> list[AccessVisit]:
    """Entries in the order they were made, as visits: a row joins the
    previous visit of the same officer and kind when it came within `window`
    of that visit's last row."""
    visits: list[AccessVisit] = []
    open_visits: dict[tuple[int, str], AccessVisit] = {}
    for entry in entries:
        key = (entry.user_id, entry.kind)
        visit = open_visits.get(key)
        if visit is not None and entry.at - visit.last_at <= window:
            visit.last_at = entry.at
            visit.count += 1
            continue
        visit = AccessVisit(
            first_at=entry.at,
            last_at=entry.at,
            user_id=entry.user_id,
            user_name=entry.user_name,
            role_display=entry.get_role_display(),
            kind=entry.kind,
            count=1,
        )
        visits.append(visit)
        open_visits[key] = visit
    return visits
