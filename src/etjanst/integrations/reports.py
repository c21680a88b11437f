"""The reconciliation report (Open Forms #4930): per receiving system and
period, every case it should have, with what was sent, confirmed and is still
outstanding, so the municipality can check it against the receiving system.

No personal data: registration number, e-service, times, states and ids."""

import csv
import io
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db.models import Min

from .models import ApiClient, Delivery, OutboxMessage
from .queries import cases_for


class State:
    """Where a case stands with the receiving system."""

    CONFIRMED = "confirmed"  # the system confirmed it (API, or a 2xx that counts)
    SENT = "sent"  # the webhook got a 2xx, the system has not confirmed yet
    PENDING = "pending"  # the webhook is being sent (or retried)
    FAILED = "failed"  # the webhook failed after every retry
    OUTSTANDING = "outstanding"  # nothing sent (the system pulls) and not confirmed


FIELDS = [
    "case_id",
    "registration_number",
    "eservice",
    "received_at",
    "sent_at",
    "state",
    "confirmed_at",
    "external_id",
]
CHUNK = 2000


@dataclass
class Row:
    case_id: int
    registration_number: str
    eservice: str
    received_at: datetime
    sent_at: datetime | None
    state: str
    confirmed_at: datetime | None
    external_id: str


def reconciliation(*, client: ApiClient, since: datetime, until: datetime):
    """Rows for the cases in the client's scope received in [since, until),
    oldest first (a generator: large periods are read in chunks)."""
    cases = (
        cases_for(client)
        .filter(received_at__gte=since, received_at__lt=until)
        .order_by("received_at", "pk")
        .values_list("pk", "registration_number", "eservice__name", "received_at")
    )
    chunk = []
    for row in cases.iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _rows(client, chunk)
            chunk = []
    if chunk:
        yield from _rows(client, chunk)


def _rows(client: ApiClient, chunk: list[tuple]):
    ids = [row[0] for row in chunk]
    deliveries = {d.case_id: d for d in Delivery.objects.filter(client=client, case_id__in=ids)}
    sent = dict(
        OutboxMessage.objects.filter(
            endpoint__client=client,
            case_id__in=ids,
            event_type="case.submitted",
            state=OutboxMessage.State.DELIVERED,
        )
        .values("case_id")
        .annotate(first=Min("delivered_at"))
        .values_list("case_id", "first")
    )
    states = {}
    for case_id, state in (
        OutboxMessage.objects.filter(
            endpoint__client=client, case_id__in=ids, event_type="case.submitted"
        )
        .exclude(state=OutboxMessage.State.DELIVERED)
        .values_list("case_id", "state")
    ):
        # A pending retry is more hopeful than a failure at another endpoint.
        if states.get(case_id) != OutboxMessage.State.PENDING:
            states[case_id] = state
    for case_id, number, eservice, received_at in chunk:
        delivery = deliveries.get(case_id)
        if delivery is not None:
            state = State.CONFIRMED
        elif case_id in sent:
            state = State.SENT
        elif case_id in states:
            state = State.PENDING if states[case_id] == "pending" else State.FAILED
        else:
            state = State.OUTSTANDING
        yield Row(
            case_id=case_id,
            registration_number=number,
            eservice=eservice,
            received_at=received_at,
            sent_at=sent.get(case_id),
            state=state,
            confirmed_at=delivery.confirmed_at if delivery else None,
            external_id=delivery.external_id if delivery else "",
        )


def as_dicts(rows) -> list[dict]:
    return [asdict(row) for row in rows]


def as_csv(rows) -> str:
    """UTF-8 CSV with a header, ISO 8601 times, empty where nothing yet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for row in rows:
        writer.writerow([_cell(getattr(row, name)) for name in FIELDS])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    # The external id comes from another system: never a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
