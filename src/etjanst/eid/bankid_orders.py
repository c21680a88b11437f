"""BankID orders' last known state, and collecting them at BankID's pace.

The browser polls every 2 s; BankID wants each order collected about every
2 s. Before, every poll made its own mutual-TLS `/collect` call inside the
request (benchmark B4: 4.8–6.9 ms of server CPU per poll, and a sync worker
blocked for BankID's round trip). Now the poll reads the order's row, and
collecting is done by `manage.py collect_bankid` (a few concurrent calls on
kept-alive connections, writes in batches), or — when no collector keeps up,
e.g. it died or none runs — by a poll that finds its order overdue.

One rule makes that safe with any number of web processes and collectors:
`due_at` is the pace and the lease. Whoever moves an order's `due_at` from
the past into the future (one conditional UPDATE, with a random token) may
collect it; the result is stored only under that token. So an order is never
collected twice at once, and at most once per COLLECT_INTERVAL; if a
collector dies mid-call the lease runs out and someone else collects.
Plain UPDATEs work the same on PostgreSQL (row locks) and SQLite (one
writer), so this needs no SKIP LOCKED and no shared cache.
"""

from __future__ import annotations

import logging
import secrets
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from etjanst.jobs import workers
from etjanst.jobs.models import WorkerHeartbeat

from .contrib.bankid.client import BankIDClient, BankIDError, CollectResult, OrderStart
from .models import BankIDOrder

logger = logging.getLogger(__name__)

Status = BankIDOrder.Status
KEEP_ENDED_SECONDS = 10 * 60  # an order never lives longer at BankID (3 min) than this


@dataclass(frozen=True)
class OrderState:
    order_ref: str
    status: str
    hint_code: str
    same_device: bool
    due_at: object  # datetime
    # The animated QR code while a QR-code order is pending (blank otherwise).
    qr_start_token: str = ""
    qr_start_secret: str = ""
    started_at: float | None = None

    @property
    def ended(self) -> bool:
        return self.status != Status.PENDING


def register(start: OrderStart, *, same_device: bool, interval: float) -> str:
    """Keep a new order's state; returns its poll key. The first collect is
    due after one interval (nobody has scanned a QR code sooner)."""
    now = timezone.now()
    poll_key = secrets.token_urlsafe(24)
    BankIDOrder.objects.create(
        order_ref=start.order_ref,
        poll_key=poll_key,
        same_device=same_device,
        hint_code="outstandingTransaction",
        qr_start_token="" if same_device else start.qr_start_token,
        qr_start_secret="" if same_device else start.qr_start_secret,
        started_at=None if same_device else start.started_at,
        created_at=now,
        due_at=now + timedelta(seconds=interval),
    )
    return poll_key


def state(*, order_ref: str | None = None, poll_key: str | None = None) -> OrderState | None:
    """The order's last known state: one SELECT by a unique key.

    Written in SQL, not the ORM: this runs for every poll (500 a second at
    1,000 waiting logins), and building the ORM query cost more than running
    it (bench/profile_poll.py: compiling ~1.8 ms of a 9.7 ms poll, .first()'s
    ORDER BY alone 0.7 ms, on the busy benchmark machine)."""
    column, value = ("order_ref", order_ref) if order_ref is not None else ("poll_key", poll_key)
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL[column], [value])
        row = cursor.fetchone()
    if row is None:
        return None
    ref, status, hint, same_device, due_at, qr_token, qr_secret, started_at = row
    if isinstance(due_at, str):  # SQLite hands back text
        due_at = parse_datetime(due_at)
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at, UTC)
    return OrderState(ref, status, hint, bool(same_device), due_at, qr_token, qr_secret, started_at)


def poll_row(poll_key: str) -> tuple | None:
    """(status, hint code, same device, due at in epoch seconds, QR start
    token, QR start secret, started at in epoch seconds) of the order with
    this poll key: the front of every poll (BankIDPollFrontMiddleware).

    With ETJANST_BANKID_POLL_SNAPSHOT seconds (> 0), a web process reads all
    pending orders' rows at most that often and answers from them: at a peak
    a poll then makes no database round trip at all (B4: the round trip, with
    its two wake-ups, was most of a poll's cost under gunicorn). An order
    started since is read by itself; one that ended is seen at most that many
    seconds late. Otherwise (0) each poll reads its row.

    The reads are as cheap as they can be: on PostgreSQL prepared statements
    (parsed and planned once per connection; psycopg's server-side binding,
    not Django's client-side one) that hand back times as floats, so nothing
    is parsed in Python. Elsewhere (SQLite) the same read as `state()`.
    A database error is Django's (wrapped), as for any query."""
    global _snapshot
    every = settings.ETJANST_BANKID_POLL_SNAPSHOT
    if every > 0:
        taken_at, rows = _snapshot
        now = time.monotonic()
        if now - taken_at >= every:
            rows = {row[0]: row[1:] for row in _fetch(_PENDING_ROWS_SQL, (), many=True)}
            _snapshot = (now, rows)
        found = rows.get(poll_key)
        if found is not None:
            return found
    return _fetch(_POLL_ROW_SQL, (poll_key,), many=False)


#: (when it was taken, time.monotonic(); {poll key: poll_row's tuple})
_snapshot: tuple[float, dict] = (-1e9, {})


def forget_snapshot() -> None:
    global _snapshot
    _snapshot = (-1e9, {})


def _fetch(sql: str, params: tuple, *, many: bool):
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("EXTRACT(EPOCH FROM due_at)::float8", "due_at"), params)
            rows = [_sqlite_row(row) for row in cursor.fetchall()]
        return rows if many else (rows[0] if rows else None)
    import psycopg  # only on PostgreSQL (an installation on SQLite may lack it)

    connection.ensure_connection()
    raw = connection.connection
    if connection.queries_logged:  # DEBUG or a test counting queries: as Django's cursor would
        connection.queries_log.append({"sql": sql, "time": "0.000"})
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        if not settings.ETJANST_BANKID_POLL_PREPARED:
            cursor.execute(sql, params)
        else:
            # Django switches psycopg's prepared statements off on its
            # connections (prepare_threshold None, for connection poolers): on
            # for this statement only — a threshold no other query reaches —
            # and back off.
            threshold = raw.prepare_threshold
            raw.prepare_threshold = sys.maxsize
            try:
                cursor.execute(sql, params, prepare=True)
            finally:
                raw.prepare_threshold = threshold
        return cursor.fetchall() if many else cursor.fetchone()


def _sqlite_row(row: tuple) -> tuple:
    """SQLite hands back the due time as text: as PostgreSQL's float."""
    *head, due_at, token, secret, started_at = row
    due = parse_datetime(due_at) if isinstance(due_at, str) else due_at
    if timezone.is_naive(due):
        due = timezone.make_aware(due, UTC)
    return (*head[:-1], bool(head[-1]), due.timestamp(), token, secret, started_at)


_COLUMNS = (
    "status, hint_code, same_device, EXTRACT(EPOCH FROM due_at)::float8, "
    "qr_start_token, qr_start_secret, started_at"
)
_POLL_ROW_SQL = f"SELECT {_COLUMNS} FROM {BankIDOrder._meta.db_table} WHERE poll_key = %s"  # noqa: S608
_PENDING_ROWS_SQL = (
    f"SELECT poll_key, {_COLUMNS} FROM {BankIDOrder._meta.db_table} "  # noqa: S608
    f"WHERE status = '{Status.PENDING}'"
)

_STATE_SQL = {
    column: (
        "SELECT order_ref, status, hint_code, same_device, due_at, "  # noqa: S608 (constants)
        "qr_start_token, qr_start_secret, started_at "
        f"FROM {BankIDOrder._meta.db_table} WHERE {column} = %s"
    )
    for column in ("order_ref", "poll_key")
}


def take(order_ref: str) -> dict | None:
    """The completion data of an ended order, once: the row is deleted (with
    the personal data it held)."""
    with transaction.atomic():
        row = (
            BankIDOrder.objects.select_for_update()
            .filter(order_ref=order_ref)
            .values_list("completion", flat=True)
            .first()
        )
        BankIDOrder.objects.filter(order_ref=order_ref).delete()
    return row


def forget(order_ref: str) -> None:
    BankIDOrder.objects.filter(order_ref=order_ref).delete()


def collect_if_overdue(
    client: BankIDClient, current: OrderState, *, interval: float, overdue: float, lease: float
) -> OrderState:
    """Collect this order here and now if nobody has for `overdue` seconds
    past its due time (no collector running, or it is behind)."""
    now = timezone.now()
    if current.ended or current.due_at > now - timedelta(seconds=overdue):
        return current
    token = secrets.token_hex(16)
    claimed = BankIDOrder.objects.filter(
        order_ref=current.order_ref,
        status=Status.PENDING,
        due_at__lte=now - timedelta(seconds=overdue),
    ).update(due_at=now + timedelta(seconds=lease), lease_token=token)
    if not claimed:  # someone else is collecting it right now
        return current
    outcome = _collect(client, current.order_ref)
    _store([(current.order_ref, token, outcome)], interval=interval)
    return state(order_ref=current.order_ref) or current


def claim_due(*, limit: int, lease: float) -> tuple[str, list[str]]:
    """Lease up to `limit` due pending orders: (token, order refs)."""
    now = timezone.now()
    token = secrets.token_hex(16)
    due = BankIDOrder.objects.filter(status=Status.PENDING, due_at__lte=now)
    refs = list(due.order_by("due_at").values_list("order_ref", flat=True)[:limit])
    if not refs:
        return token, []
    # The condition is repeated in the UPDATE: of two collectors that read
    # the same rows, only the first UPDATE moves due_at; the other gets 0.
    due.filter(order_ref__in=refs).update(due_at=now + timedelta(seconds=lease), lease_token=token)
    mine = BankIDOrder.objects.filter(order_ref__in=refs, lease_token=token)
    return token, list(mine.values_list("order_ref", flat=True))


def collect_due(
    client: BankIDClient,
    *,
    interval: float,
    lease: float,
    limit: int = 200,
    pool: ThreadPoolExecutor | None = None,
    flush_every: float = 0.1,
) -> int:
    """Collect every due order once (concurrently on `pool`), storing the
    answers in batches as they arrive. Returns how many were collected."""
    token, refs = claim_due(limit=limit, lease=lease)
    if not refs:
        return 0
    if pool is None:
        answers = [(ref, token, _collect(client, ref)) for ref in refs]
        _store(answers, interval=interval)
        return len(refs)
    futures = {pool.submit(_collect, client, ref): ref for ref in refs}
    batch: list = []
    flushed = time.monotonic()
    for future in as_completed(futures):
        batch.append((futures[future], token, future.result()))
        if time.monotonic() - flushed >= flush_every:
            _store(batch, interval=interval)
            batch, flushed = [], time.monotonic()
    _store(batch, interval=interval)
    return len(refs)


_collector_seen: tuple[float, bool] = (-1e9, False)
COLLECTOR_CHECK_EVERY = 5.0  # seconds: one heartbeat query per web process at most this often


def collector_beat(collector_id: str) -> None:
    workers.beat(collector_id, kind=WorkerHeartbeat.Kind.BANKID)


def collector_stopped(collector_id: str) -> None:
    workers.stopped(collector_id)


def collector_alive() -> bool:
    """Whether a `collect_bankid` is alive (its heartbeat is fresh); asked
    of the database at most every few seconds per process."""
    global _collector_seen
    checked_at, alive = _collector_seen
    if time.monotonic() - checked_at >= COLLECTOR_CHECK_EVERY:
        alive = bool(workers.live_workers(kind=WorkerHeartbeat.Kind.BANKID))
        _collector_seen = (time.monotonic(), alive)
    return alive


def forget_collector_check() -> None:
    global _collector_seen
    _collector_seen = (-1e9, False)


def prune(*, older_than: float = KEEP_ENDED_SECONDS) -> int:
    """Forget orders older than any BankID order lives (abandoned logins,
    and any completion data nobody came for)."""
    limit = timezone.now() - timedelta(seconds=older_than)
    deleted, _ = BankIDOrder.objects.filter(created_at__lt=limit).delete()
    return deleted


def _collect(client: BankIDClient, order_ref: str) -> CollectResult | BankIDError:
    try:
        return client.collect(order_ref)
    except BankIDError as error:
        logger.warning("BankID collect failed: %s", error.error_code)
        return error


def _store(answers: list, *, interval: float) -> None:
    """Write collect answers, each only under the lease it was taken with.

    Most answers are "still pending, same hint": those are written with one
    UPDATE per (lease, status, hint), not one per order — a collector's
    database work stays a few statements per batch at 500 collects/s."""
    if not answers:
        return
    now = timezone.now()
    due = now + timedelta(seconds=interval)
    groups: dict[tuple, list[str]] = {}
    with transaction.atomic():
        for order_ref, token, outcome in answers:
            if isinstance(outcome, BankIDError):
                values = (token, Status.ERROR, outcome.error_code)
            elif outcome.completion_data is not None:
                BankIDOrder.objects.filter(order_ref=order_ref, lease_token=token).update(
                    status=outcome.status,
                    hint_code=outcome.hint_code or "",
                    completion=outcome.completion_data,
                    **_QR_ENDED,
                    collected_at=now,
                    due_at=due,
                    lease_token="",
                )
                continue
            else:
                values = (token, outcome.status, outcome.hint_code or "")
            groups.setdefault(values, []).append(order_ref)
        for (token, status, hint), refs in groups.items():
            ended = _QR_ENDED if status != Status.PENDING else {}
            BankIDOrder.objects.filter(order_ref__in=refs, lease_token=token).update(
                status=status,
                hint_code=hint,
                collected_at=now,
                due_at=due,
                lease_token="",
                **ended,
            )


#: An ended order needs no QR code: its secret is blanked with the ending.
_QR_ENDED = {"qr_start_token": "", "qr_start_secret": ""}
