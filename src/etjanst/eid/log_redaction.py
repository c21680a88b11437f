"""A safety net for the log: a personnummer that slips into a log line is
written masked (YYYYMMDD-XXXX). The code must still never log one; this
catches what review misses (an exception text, a third-party library)."""

import logging
import re

from . import personnummer as pnr

_CANDIDATE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def redact(text: str) -> str:
    def mask(match: re.Match) -> str:
        found = match.group(0)
        try:
            canonical = pnr.parse(found, allow_samordningsnummer=True)
        except pnr.InvalidPersonnummer:
            return found
        return pnr.mask(canonical)

    return _CANDIDATE.sub(mask, text)


_formatter = logging.Formatter()


class RedactPersonnummer(logging.Filter):
    """Masks the message and the exception text (`DisallowedHost: Invalid
    HTTP_HOST header: '19410519-9121'` printed one unmasked); the formatter
    then uses the masked exc_text instead of formatting the exception again."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
