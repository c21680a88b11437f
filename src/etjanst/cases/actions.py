"""Writes to registered cases: statuses, assignment, notes and exports. (A
case is made by the submission pipeline, `submissions.actions.submit_form`.)"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.audit.actions import record_access
from etjanst.audit.models import AccessKind
from etjanst.people.access import may_handle, role_for

from . import signals
from .models import Attachment, Case, CaseEvent, CaseNote, Status


class TransitionNotAllowed(Exception):
    """The case's current status may not be followed by the one asked for."""


class ChangedMeanwhile(Exception):
    """Someone else changed the case since the page was read: nothing was
    done, the officer reads it again."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Någon annan har ändrat ärendet sedan du öppnade det. Ingenting ändrades. "
                "Se över ärendet och försök igen."
            )
        )


def _lock(case: Case, expected_version: int | None) -> Case:
    # of=("self",): lock the case row only, not the status row it joins (else
    # every case in the same status would wait for this one on PostgreSQL).
    locked = Case.objects.select_for_update(of=("self",)).select_related("status").get(pk=case.pk)
    if expected_version is not None and locked.lock_version != expected_version:
        raise ChangedMeanwhile
    return locked


@transaction.atomic
def transition_case(
    *,
    case: Case,
    to: Status,
    staff_user=None,
    system_name: str = "",
    expected_version: int | None = None,
) -> Case:
    """Move a case to another status, only along an allowed transition. The
    one place the statuses' rules are enforced. `system_name` names who did
    it when no staff member did (an API client)."""
    locked = _lock(case, expected_version)
    previous = locked.status
    if not locked.status.next_statuses.filter(pk=to.pk).exists():
        raise TransitionNotAllowed(
            _("Ärendet kan inte gå från %(from)s till %(to)s.")
            % {"from": locked.status.name, "to": to.name}
        )
    now = timezone.now()
    locked.status, locked.status_changed_at = to, now
    locked.lock_version += 1
    locked.save(update_fields=["status", "status_changed_at", "lock_version"])
    CaseEvent.objects.create(
        case=locked,
        kind=CaseEvent.Kind.STATUS,
        status=to,
        at=now,
        staff_user=staff_user,
        system_name=system_name,
    )
    signals.status_changed.send(sender=Case, case=locked, status=to, previous=previous)
    return locked


@transaction.atomic
def assign_case(
    *, case: Case, to, staff_user, system_name: str = "", expected_version: int | None = None
) -> Case:
    """Give the case to an officer (or to nobody, with `to=None`)."""
    locked = _lock(case, expected_version)
    if to is not None and not may_handle(to, locked):
        raise TransitionNotAllowed(_("Den personen kan inte handlägga det här ärendet."))
    locked.assigned_to = to
    locked.lock_version += 1
    locked.save(update_fields=["assigned_to", "lock_version"])
    CaseEvent.objects.create(
        case=locked,
        kind=CaseEvent.Kind.ASSIGNED,
        staff_user=staff_user,
        system_name=system_name,
        visible_to_resident=False,
    )
    return locked


def add_note(*, case: Case, staff_user, body: str, system_name: str = "") -> CaseNote:
    """An internal note (never shown to the resident)."""
    body = (body or "").strip()
    if not body:
        raise NoteInvalid(_("Skriv en anteckning."))
    if len(body) > 10_000:
        raise NoteInvalid(_("Anteckningen är för lång. Den får vara högst 10 000 tecken."))
    with transaction.atomic():
        note = CaseNote.objects.create(case=case, author=staff_user, body=body)
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.NOTE,
            staff_user=staff_user,
            system_name=system_name,
            visible_to_resident=False,
        )
    return note


class NoteInvalid(Exception):
    pass


def open_case(*, case: Case, staff_user) -> str:
    """A staff member reads the case: logged in the access log the resident
    sees ("who has opened my case"). Returns the role they read it in."""
    role = role_for(staff_user, case)
    record_access(user=staff_user, role=role, case=case, kind=AccessKind.VIEW)
    return role


def open_attachment(*, case: Case, attachment: Attachment, staff_user) -> None:
    """A staff member opens one of the case's files (logged like a read)."""
    position = case.attachments.filter(created_at__lt=attachment.created_at).count() + 1
    record_access(
        user=staff_user,
        role=role_for(staff_user, case),
        case=case,
        kind=AccessKind.FILE,
        # Which file by its place among the case's files, not by the name the
        # resident gave it: the access log is append-only and outlives the
        # purge, so it must hold no text of the resident's.
        detail=_("bilaga %(number)d") % {"number": position},
    )


@transaction.atomic
def export_case(*, case: Case, staff_user, what: str) -> None:
    """A staff member takes the case out as PDF or JSON: logged, and shown
    in the case's own history."""
    record_access(
        user=staff_user,
        role=role_for(staff_user, case),
        case=case,
        kind=AccessKind.EXPORT,
        detail=what,
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.EXPORTED, staff_user=staff_user, visible_to_resident=False
    )
