"""Purging due cases in small batches (so that residents and staff are never
locked out), respecting legal holds, and logging every batch."""

import calendar
import logging
from datetime import datetime

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from etjanst.cases.models import Case, StatusKind
from etjanst.organisation.models import Clock, RetentionRule

from .models import PurgeLogEntry
from .waits import waiting_for, without_waiting

logger = logging.getLogger(__name__)


def months_before(moment: datetime, months: int) -> datetime:
    """The same wall-clock time `months` months earlier (the 31st becomes the
    last day of a shorter month)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def due_cases(rule: RetentionRule, *, now: datetime, include_waiting: bool = False):
    """The cases of the rule whose time is up, not on legal hold, not purged,
    and (unless `include_waiting`) not waiting for anything else, such as a
    receiving system's confirmation of delivery (retention.waits)."""
    from etjanst.cases.models import Status

    cutoff = months_before(now, rule.period_months)
    # The e-services and statuses as literal ids, not joins: PostgreSQL then
    # sees how many cases match and walks the partial index of cases not yet
    # purged (case_not_purged) in id order instead of every closed case,
    # tombstones included (bench/purge.py: ~0.5 s per batch at 1,000,000).
    cases = Case.objects.filter(
        eservice_id__in=list(rule.eservices.values_list("pk", flat=True)),
        purged_at__isnull=True,
        legal_hold=False,
    )
    if rule.clock == Clock.SUBMITTED:
        cases = cases.filter(received_at__lte=cutoff)
    else:
        closed = list(Status.objects.filter(kind=StatusKind.CLOSED).values_list("pk", flat=True))
        cases = cases.filter(status_id__in=closed, status_changed_at__lte=cutoff)
    return cases if include_waiting else without_waiting(cases)


def upcoming(*, now: datetime, days: int = 30, scope: Q | None = None) -> list[tuple]:
    """(rule, cases) that become due within `days`, for staff to see ahead.
    Each case has `waiting_for`: what it waits for before it may go (e.g.
    ["ByggR har inte bekräftat leveransen"]), empty if nothing."""
    from datetime import timedelta

    later = now + timedelta(days=days)
    result = []
    for rule in RetentionRule.objects.select_related("committee"):
        cases = due_cases(rule, now=later, include_waiting=True)
        if scope is not None:
            cases = cases.filter(scope)
        cases = list(cases.select_related("eservice").order_by("received_at")[:500])
        waits = waiting_for([case.pk for case in cases])
        for case in cases:
            case.waiting_for = waits.get(case.pk, [])
        if cases:
            result.append((rule, cases))
    return result


def purge_due(*, now: datetime | None = None, batch_size: int = 500, by: str = "") -> int:
    """Purge every due case, rule by rule, one short transaction per batch."""
    now = now or timezone.now()
    by = by or "gallringsjobbet"
    total = 0
    for rule in RetentionRule.objects.all():
        while True:
            purged = _purge_batch(rule, now=now, batch_size=batch_size, by=by)
            total += purged
            if purged < batch_size:
                break
    if total:
        logger.info("Purged %d cases", total)
    return total


def _purge_batch(rule: RetentionRule, *, now, batch_size: int, by: str) -> int:
    files = []
    with transaction.atomic():
        batch = list(
            due_cases(rule, now=now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", "registration_number")[:batch_size]
        )
        if not batch:
            return 0
        ids = [pk for pk, _number in batch]
        files = _tombstone(ids)
        PurgeLogEntry.objects.create(
            at=timezone.now(),
            rule_name=rule.name,
            decision_reference=rule.decision_reference,
            what="cases",
            count=len(ids),
            object_ids=ids,
            registration_numbers=[number for _pk, number in batch],
            by=by,
        )
    # The rows are gone for good: remove the files after the commit.
    for storage, name in files:
        storage.delete(name)
    return len(batch)


def _tombstone(ids: list[int]) -> list[tuple]:
    """Keep of each case only what the register shows (its number, date,
    committee, e-service): its content, files, messages and notes go."""
    from etjanst.cases.models import Attachment, CaseEvent, CaseNote, Message
    from etjanst.cases.signals import events_bulk_created

    files = [
        (a.file.storage, a.file.name)
        for a in Attachment.objects.filter(case_id__in=ids).only("file")
        if a.file
    ]
    files += [
        (c.receipt_pdf.storage, c.receipt_pdf.name)
        for c in Case.objects.filter(pk__in=ids).only("receipt_pdf")
        if c.receipt_pdf
    ]
    files += _drop_extracts(ids)
    Attachment.objects.filter(case_id__in=ids).delete()
    _purge_bookings(ids)
    Message.objects.filter(case_id__in=ids).delete()
    CaseNote.objects.filter(case_id__in=ids).delete()
    now = timezone.now()
    # The event feed of the API tells receiving systems what was purged.
    events = CaseEvent.objects.bulk_create(
        [
            CaseEvent(case_id=pk, kind=CaseEvent.Kind.PURGED, at=now, visible_to_resident=False)
            for pk in ids
        ]
    )
    events_bulk_created.send(sender=CaseEvent, events=events)
    Case.objects.filter(pk__in=ids).update(
        purged_at=now,
        answers={},
        signature=None,
        sender_name="",
        sender_personnummer="",
        owner=None,
        receipt_pdf="",
        assigned_to=None,
        legal_hold_reason="",
        # Cases registered before the description came from e-service texts
        # alone may hold the resident's heading: keep only the e-service's.
        description=_eservice_description(),
    )
    return files


def _eservice_description():
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce, NullIf

    from etjanst.eservices.models import EService

    text = EService.objects.filter(pk=OuterRef("eservice_id")).annotate(
        text=Coalesce(NullIf("register_description", models.Value("")), "name")
    )
    return Subquery(text.values("text")[:1])


def _drop_extracts(ids: list[int]) -> list[tuple]:
    """Register extracts made earlier (kept a week) hold the purged cases'
    answers: those of the cases' owners go now; the resident can ask for a
    new one, which no longer has the purged case."""
    from etjanst.people.models import DataExtract

    owners = Case.objects.filter(pk__in=ids, owner__isnull=False).values("owner_id")
    extracts = list(DataExtract.objects.filter(owner_id__in=owners))
    files = [
        (field.storage, field.name)
        for extract in extracts
        for field in (extract.json_file, extract.pdf_file)
        if field
    ]
    DataExtract.objects.filter(pk__in=[e.pk for e in extracts]).delete()
    return files


def _purge_bookings(ids: list[int]) -> None:
    """Past bookings of purged cases go; a time still ahead stays taken but
    no longer says who booked it."""
    from etjanst.bookings.models import Booking

    bookings = Booking.objects.filter(case_id__in=ids)
    now = timezone.now()
    bookings.filter(slot__starts_at__lt=now).delete()
    bookings.filter(slot__starts_at__gte=now).update(name="", email="", resident=None, case=None)


@transaction.atomic
def set_legal_hold(*, case: Case, hold: bool, reason: str = "", staff_user=None) -> Case:
    """Stop (or allow again) the purge of a case, e.g. during a request for
    the document or an appeal."""
    from etjanst.cases.models import CaseEvent

    reason = reason.strip()[:300]
    Case.objects.filter(pk=case.pk).update(
        legal_hold=hold, legal_hold_reason=reason if hold else ""
    )
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.LEGAL_HOLD if hold else CaseEvent.Kind.LEGAL_HOLD_LIFTED,
        staff_user=staff_user,
        visible_to_resident=False,
    )
    case.refresh_from_db()
    return case
