"""Adding to the counters: one upsert per figure into its day row and one
into its month row (the roll-up, statistics.rollup), in one transaction,
after the transaction that did the thing has committed. Recording never
fails the action it counts: an error is logged and the count is lost —
from the day and the month alike."""

import datetime
import functools
import logging
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from .constants import bucket_for
from .models import DailyCount, DailyDuration, MonthlyCount, MonthlyDuration

logger = logging.getLogger(__name__)


def _upsert(model, values: dict, conflict: list[str]) -> None:
    # INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count: one
    # statement, atomic under concurrent requests, the same in PostgreSQL and
    # SQLite (≥ 3.24). Django's bulk_create(update_conflicts=…) can only set
    # the new value, not add to it.
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [model._meta.get_field(name).column for name in values]
    # Only names from the model's own _meta go into the text; values are parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(quote(model._meta.get_field(n).column) for n in conflict)}) "
        f"DO UPDATE SET {quote('count')} = {table}.{quote('count')} + excluded.{quote('count')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(values.values()))


def count(
    *,
    eservice_id: int,
    version: int,
    metric: str,
    key: str = "",
    detail: str = "",
    at: datetime.datetime | None = None,
    n: int = 1,
) -> None:
    """Add `n` to one counter of the day `at` falls on (local time), and to
    the same counter of its month."""
    day = timezone.localdate(at or timezone.now())
    values = {
        "eservice": eservice_id,
        "version": version,
        "metric": metric,
        "key": key[:100],
        "detail": detail[:200],
        "count": n,
    }
    fields = ["eservice", "version", "metric", "key", "detail"]
    # One transaction (no savepoint inside the caller's): the month row is
    # the sum of its day rows at every commit. Always the day row, then at
    # once its month row: the month rows add no new order in which two
    # recordings could wait for each other.
    with transaction.atomic(savepoint=False):
        _upsert(DailyCount, {"day": day, **values}, ["day", *fields])
        _upsert(MonthlyCount, {"month": day.replace(day=1), **values}, ["month", *fields])


def duration(
    *,
    eservice_id: int,
    version: int,
    measure: str,
    seconds: float,
    at: datetime.datetime | None = None,
) -> None:
    """Count one time in its bucket of the day `at` falls on, and of its month."""
    day = timezone.localdate(at or timezone.now())
    values = {
        "eservice": eservice_id,
        "version": version,
        "measure": measure,
        "bucket": bucket_for(max(seconds, 0)),
        "count": 1,
    }
    fields = ["eservice", "version", "measure", "bucket"]
    with transaction.atomic(savepoint=False):
        _upsert(DailyDuration, {"day": day, **values}, ["day", *fields])
        _upsert(MonthlyDuration, {"month": day.replace(day=1), **values}, ["month", *fields])


def on_commit(record: Callable[[], None]) -> None:
    """Run `record` once the current transaction commits (at once outside
    one); an error in it is logged, never raised."""
    transaction.on_commit(_logged(record))


def _logged(record: Callable[[], None]) -> Callable[[], None]:
    @functools.wraps(record)
    def run() -> None:
        try:
            with transaction.atomic():
                record()
        except Exception:
            logger.exception("Statistics could not be recorded")

    return run


def never_raises(receiver: Callable) -> Callable:
    """A signal receiver that logs instead of raising: a broken counter must
    never stop a form from being sent or a case from being handled."""

    @functools.wraps(receiver)
    def wrapper(*args, **kwargs):
        try:
            receiver(*args, **kwargs)
        except Exception:
            logger.exception("Statistics could not be recorded")

    return wrapper
