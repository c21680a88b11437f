"""Structured logs: one JSON object a line, times in UTC with their offset,
the request id on every line written while a request is handled, and no
personnummer (the redaction runs on the whole formatted line, exception text
included)."""

from __future__ import annotations

import contextvars
import logging
from datetime import UTC, datetime

from django.db import InterfaceError, OperationalError
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from etjanst.eid.log_redaction import redact

#: The id of the request being handled in this thread (or task), "" outside one.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("etjanst_request_id", default="")


def utc_timestamp(created: float) -> str:
    """2026-12-06T21:40:00.123+00:00: sortable, and the offset is written out."""
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter with our field names, UTC times and the
    personnummer redaction over the whole line."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        log_data["time"] = utc_timestamp(record.created)
        log_data.pop("request", None)  # Django's request object: its repr says nothing new
        if not log_data.get("request_id"):
            log_data.pop("request_id", None)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class PlainFormatter(logging.Formatter):
    """One line of text for a terminal (the demo), still UTC with offset."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return utc_timestamp(record.created)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def database_is_down(exc: BaseException | None) -> bool:
    """The exception says the database cannot be reached (not a locked row,
    a deadlock or a bad query: those are bugs or load, and keep their trace)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    from django.db import connection

    try:
        connection.close()
        connection.ensure_connection()
    except (OperationalError, InterfaceError):
        return True
    return False


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


class OneLineForKnownFailures(logging.Filter):
    """Two failures an operator sees often are logged as one line, not a
    traceback: the database being down (each request logged ~1,400 lines of
    chained tracebacks), and a request with a Host we do not serve (a scanner,
    not an error: WARNING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.security.DisallowedHost":
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = (
                _first_line(record.exc_info[1]) if record.exc_info else (record.getMessage()),
                None,
            )
            record.exc_info = record.exc_text = None
            return True
        if record.exc_info and isinstance(record.exc_info[1], OperationalError | InterfaceError):
            exc = record.exc_info[1]
            if getattr(exc, "_etjanst_database_down", False):
                record.msg = "Databasen svarar inte (%s: %s)"
                record.args = (type(exc).__name__, _first_line(exc))
                record.exc_info = record.exc_text = None
        return True
