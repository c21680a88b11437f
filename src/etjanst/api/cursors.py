"""Opaque, signed cursors for the case list and the event feed.

A cursor holds the e-service and the last id returned; the next page is
the rows with a greater id. Ids are handed out in commit order as seen by
readers: SQLite has one writer at a time, and on PostgreSQL a page is read
under a SHARE lock on the table (`stable_reads`), which waits for the
transactions that are inserting and holds new ones back for the few
milliseconds of the read. So no row can appear later below a cursor:
nothing is skipped, nothing repeated."""

from contextlib import contextmanager

from django.core import signing
from django.db import connection, transaction
from django.utils.translation import gettext as _

from .problems import Problem

SALT = "etjanst.api.cursor"


def make(*, kind: str, eservice_id: int, last_id: int) -> str:
    # Signed without a timestamp: the same place in a list is the same cursor.
    return signing.Signer(salt=SALT).sign_object(
        {"k": kind, "e": eservice_id, "i": last_id}, compress=True
    )


def read(cursor: str | None, *, kind: str, eservice_id: int) -> int:
    """The last id of the previous page (0 without a cursor)."""
    if not cursor:
        return 0
    try:
        data = signing.Signer(salt=SALT).unsign_object(cursor)
        valid = isinstance(data, dict) and isinstance(data.get("i"), int)
    except (signing.BadSignature, ValueError, TypeError):
        valid = False
    if not valid or data.get("k") != kind:
        raise Problem(400, "invalid-cursor", _("Markören (cursor) är ogiltig. Börja om utan den."))
    if data.get("e") != eservice_id:
        raise Problem(
            400,
            "cursor-from-another-eservice",
            _("Markören (cursor) hör till en annan e-tjänst. Börja om utan den."),
        )
    return data["i"]


@contextmanager
def stable_reads(*tables: str):
    """Read a page so that no row with a smaller id commits after it."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN SHARE MODE")
        yield
