"""Prefilling a form after an e-ID login: ask each source the form uses,
once per login (the answer is kept in the session, which logout flushes),
and turn the person's record into starting answers and marks."""

import logging
from collections import defaultdict
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from etjanst.eid import personnummer as pnr
from etjanst.eid.person import Person
from etjanst.eservices.formschema import FormDefinition, Question
from etjanst.eservices.prefilled import (
    NOTICE_NO_PERSONNUMMER,
    NOTICE_UNAVAILABLE,
    PREFILL_KEY,
    PrefillMarks,
)
from etjanst.eservices.questions import AnswerError

from .base import PersonRecord, PrefillSource, PrefillUnavailable
from .registry import prefill_sources

logger = logging.getLogger(__name__)

# Logging in again drops it too (eid.session.login).
SESSION_KEY = "etjanst_prefill"


def record_for(source: PrefillSource, person: Person, session: SessionBase) -> PersonRecord:
    """The person's record from `source`, asked once per login. Failures are
    not remembered: the next form asks again. A person without a Swedish
    personnummer is never looked up: the registers know people by it."""
    if not person.has_personnummer:
        raise PrefillUnavailable("no personnummer")
    kept = session.get(SESSION_KEY, {})
    entry = kept.get(source.identifier)
    if entry and entry.get("personnummer") == person.personnummer:
        return PersonRecord.from_session(entry["record"])
    record = source.fetch(person.personnummer)
    kept[source.identifier] = {"personnummer": person.personnummer, "record": record.as_session()}
    session[SESSION_KEY] = kept
    return record


def forget(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)


def prefill_answers(
    form: FormDefinition, *, person: Person, session: SessionBase
) -> dict[str, Any]:
    """Starting answers from the registers the form's questions name, with
    the marks (locked, choices, withheld, notice) under PREFILL_KEY. Empty
    when the form uses no enabled source. A person without a Swedish
    personnummer (a foreign e-ID) gets only the notice that says so."""
    by_source: dict[str, list[Question]] = defaultdict(list)
    for question in form.questions():
        if question.prefill:
            by_source[question.prefill.source].append(question)
        elif attribute := question.type_plugin.register_attribute:
            # A type that needs the register ("Välj barn") asks the first
            # enabled source that has the attribute.
            source_id = _source_with(attribute)
            if source_id:
                by_source[source_id].append(question)
    answers: dict[str, Any] = {}
    marks = PrefillMarks()
    for source_id, questions in by_source.items():
        if source_id not in prefill_sources or not prefill_sources[source_id].is_enabled():
            continue
        if not person.has_personnummer:
            marks.notice = NOTICE_NO_PERSONNUMMER
            continue
        try:
            record = record_for(prefill_sources[source_id], person, session)
        except PrefillUnavailable:
            marks.notice = NOTICE_UNAVAILABLE
            continue
        marks.protected = marks.protected or record.protected
        for question in questions:
            _fill(question, record, answers, marks)
    if marks:
        answers[PREFILL_KEY] = marks.as_json()
    return answers


def _source_with(attribute: str) -> str:
    for source in prefill_sources:
        if source.is_enabled() and attribute in source.attributes:
            return source.identifier
    return ""


def _fits(question: Question, value: Any) -> bool:
    """Whether the question accepts the register's value: a locked answer
    the resident cannot correct must never block the form."""
    try:
        question.type_plugin.clean(question, value, required=False)
    except AnswerError as exc:
        register_parts = set(value) if isinstance(value, dict) else set()
        return not (set(exc.messages) & (register_parts | {""}))
    return True


def _fill(question: Question, record: PersonRecord, answers: dict, marks: PrefillMarks) -> None:
    offer = getattr(question.type_plugin, "offer", None)
    if offer is not None:  # the type turns the record into choices itself
        choices, records, details = offer(question, record)
        marks.choices[question.id] = choices
        marks.records[question.id] = records
        marks.details[question.id] = details
        return
    attribute = question.prefill.attribute
    if attribute == "address" and record.protected:
        marks.withheld.append(question.id)
        return
    if attribute == "children":
        if record.children:
            marks.choices[question.id] = [
                [child.personnummer, f"{child.name} ({pnr.mask(child.personnummer)})"]
                for child in record.children
            ]
        return
    value: Any = None
    if attribute == "name":
        value = {"name": record.name} if question.type == "contact" else record.name
    elif attribute == "given_name":
        value = record.given_name
    elif attribute == "surname":
        value = record.surname
    elif attribute == "personnummer":
        value = record.personnummer
    elif attribute == "address" and record.address is not None:
        address = record.address
        value = {"street": address.street, "postal_code": address.postal_code, "city": address.city}
        if address.care_of:
            value["care_of"] = address.care_of
    if not value or not _fits(question, value):
        return
    if isinstance(value, dict) and isinstance(answers.get(question.id), dict):
        value = {**answers[question.id], **value}
    answers[question.id] = value
    if question.prefill.locked:
        marks.locked[question.id] = value
