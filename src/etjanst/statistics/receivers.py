"""What the form engine and the case actions tell the statistics (their
signals), turned into counters. Only the e-service, its version, the day and
what happened are kept; never who, nor which case."""

import time
from datetime import timedelta

from django.utils import timezone

from etjanst.cases import signals as case_signals
from etjanst.cases.models import CaseEvent, Message, StatusKind
from etjanst.eservices.models import EServiceVersion
from etjanst.submissions import signals as form_signals

from . import recording
from .constants import ANONYMOUS, NOT_LOGGED_IN, Measure, Metric
from .recording import never_raises


def _pairs():
    return [
        (form_signals.form_started, form_started, "statistics-started"),
        (form_signals.step_recorded, step_recorded, "statistics-step"),
        (form_signals.draft_saved, draft_saved, "statistics-draft-saved"),
        (form_signals.draft_resumed, draft_resumed, "statistics-draft-resumed"),
        (form_signals.form_discarded, form_discarded, "statistics-discarded"),
        (form_signals.draft_expired, draft_expired, "statistics-draft-expired"),
        (form_signals.form_sent, form_sent, "statistics-sent"),
        (case_signals.status_changed, status_changed, "statistics-status"),
        (case_signals.message_written, message_written, "statistics-message"),
    ]


def connect() -> None:
    for signal, receiver, uid in _pairs():
        signal.connect(receiver, dispatch_uid=uid)


def disconnect() -> None:
    """Stop recording (bench/stats_pages.py times Skicka with and without)."""
    for signal, receiver, uid in _pairs():
        signal.disconnect(receiver, dispatch_uid=uid)


def how_they_came(form, person) -> str:
    if form.anonymous:
        return ANONYMOUS
    return person.method if person is not None else NOT_LOGGED_IN


def _where(form) -> dict:
    return {"eservice_id": form.eservice.pk, "version": form.version.number}


@never_raises
def form_started(sender, *, form, person, **kwargs) -> None:
    where, key = _where(form), how_they_came(form, person)
    recording.on_commit(lambda: recording.count(**where, metric=Metric.STARTED, key=key))


@never_raises
def step_recorded(sender, *, form, step, result, first, **kwargs) -> None:
    where = _where(form)
    if result.is_valid:
        if first:
            recording.on_commit(
                lambda: recording.count(**where, metric=Metric.STEP_DONE, key=step.id)
            )
        return
    errors = [(qid, _message(parts, result.raw.get(qid))) for qid, parts in result.errors.items()]

    def record() -> None:
        for qid, message in errors:
            recording.count(**where, metric=Metric.INVALID, key=qid, detail=message)

    recording.on_commit(record)


def _message(parts: dict, raw) -> str:
    """The first error message of a question, unless it repeats what the
    person wrote (then nothing: what they wrote is theirs, not ours)."""
    message = str(next(iter(parts.values()), ""))
    typed = _strings(raw)
    if any(len(value) >= 2 and value in message for value in typed):
        return ""
    return message


def _strings(raw) -> list[str]:
    if isinstance(raw, str):
        return [raw.strip()]
    if isinstance(raw, dict):
        return [s for value in raw.values() for s in _strings(value)]
    if isinstance(raw, list | tuple):
        return [s for value in raw for s in _strings(value)]
    return []


@never_raises
def draft_saved(sender, *, form, **kwargs) -> None:
    where = _where(form)
    recording.on_commit(lambda: recording.count(**where, metric=Metric.DRAFT_SAVED))


@never_raises
def draft_resumed(sender, *, form, **kwargs) -> None:
    where = _where(form)
    recording.on_commit(lambda: recording.count(**where, metric=Metric.DRAFT_RESUMED))


@never_raises
def form_discarded(sender, *, form, **kwargs) -> None:
    if form.version is None:
        return
    where = _where(form)
    recording.on_commit(lambda: recording.count(**where, metric=Metric.DISCARDED))


@never_raises
def draft_expired(sender, *, draft, **kwargs) -> None:
    number = EServiceVersion.objects.filter(pk=draft.version_id).values_list("number", flat=True)
    where = {"eservice_id": draft.eservice_id, "version": number.first() or 0}
    recording.on_commit(lambda: recording.count(**where, metric=Metric.DRAFT_EXPIRED))


@never_raises
def form_sent(sender, *, form, case, person, **kwargs) -> None:
    where, key = _where(form), how_they_came(form, person)
    started = form.state.get("started_at")
    seconds = time.time() - started if started else None
    at = case.received_at

    def record() -> None:
        recording.count(**where, metric=Metric.SENT, key=key, at=at)
        if seconds is not None:
            recording.duration(**where, measure=Measure.FILL_IN, seconds=seconds, at=at)

    recording.on_commit(record)


def _version_number(case) -> int:
    return EServiceVersion.objects.filter(pk=case.version_id).values_list("number", flat=True)[0]


@never_raises
def status_changed(sender, *, case, status, previous, **kwargs) -> None:
    where = {"eservice_id": case.eservice_id, "version": _version_number(case)}
    now = timezone.now()
    decided = (
        status.kind == StatusKind.CLOSED
        and previous.kind != StatusKind.CLOSED
        # the first time the case is closed (not again after it was reopened)
        and CaseEvent.objects.filter(
            case=case, kind=CaseEvent.Kind.STATUS, status__kind=StatusKind.CLOSED
        ).count()
        == 1
    )
    took = (now - case.received_at).total_seconds()

    def record() -> None:
        recording.count(**where, metric=Metric.STATUS, key=status.code, detail=status.name, at=now)
        if decided:
            recording.count(**where, metric=Metric.DECIDED, at=now)
            recording.duration(**where, measure=Measure.DECISION, seconds=took, at=now)

    recording.on_commit(record)


@never_raises
def message_written(sender, *, message, **kwargs) -> None:
    if not message.from_staff:
        return
    earlier = Message.objects.filter(case_id=message.case_id, from_staff=True).exclude(
        pk=message.pk
    )
    if earlier.exists():
        return
    case = message.case
    where = {"eservice_id": case.eservice_id, "version": _version_number(case)}
    took = max(message.created_at - case.received_at, timedelta(0)).total_seconds()
    at = message.created_at

    def record() -> None:
        recording.count(**where, metric=Metric.FIRST_REPLY, at=at)
        recording.duration(**where, measure=Measure.FIRST_REPLY, seconds=took, at=at)

    recording.on_commit(record)
