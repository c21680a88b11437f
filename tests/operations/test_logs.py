"""The log formats: no personnummer even in a traceback, UTC with offset."""

import io
import json
import logging

from etjanst.eid.log_redaction import RedactPersonnummer
from etjanst.operations.logs import JsonFormatter, RequestIdFilter, request_id


def log_through(formatter: logging.Formatter, filters=()) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    for item in filters:
        handler.addFilter(item)
    logger = logging.getLogger("tests.operations.logs")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("Ogiltigt värde: 19410519-9121")
        except ValueError:
            logger.exception("Kunde inte läsa %s", "194306134760")
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_the_filter_masks_the_exception_text_for_any_formatter():
    text = log_through(logging.Formatter("%(message)s"), [RedactPersonnummer()])
    assert "Traceback" in text
    assert "19410519-9121" not in text and "194306134760" not in text
    assert "19410519-XXXX" in text


def test_a_json_line_has_utc_time_the_request_id_and_no_personnummer():
    token = request_id.set("abc12345")
    try:
        line = log_through(JsonFormatter(), [RequestIdFilter()])
    finally:
        request_id.reset(token)
    record = json.loads(line)
    assert record["time"].endswith("+00:00")
    assert record["request_id"] == "abc12345"
    assert record["level"] == "ERROR"
    assert "19410519-9121" not in line and "194306134760" not in line
    assert "19410519-XXXX" in record["exc_info"]
