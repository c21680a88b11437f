"""Writes to drafts: the saved row (Spara goes through `actions.save_draft`),
deleting, and the daily expiry with its reminder.

A draft is private to its owner: every function here takes the owner and
reaches the draft only through `Draft.objects.owned_by(owner)`."""

import logging
import uuid
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from etjanst.cases.models import Attachment
from etjanst.eservices.models import EServiceVersion
from etjanst.eservices.presentation import confirmation_email
from etjanst.people.models import Resident

from . import signals, tasks
from .facts import attachment_ids
from .models import Draft

logger = logging.getLogger(__name__)

REMIND_BEFORE = timedelta(days=7)


@transaction.atomic
def save_draft_row(
    *,
    owner: Resident,
    version: EServiceVersion,
    answers: dict[str, Any],
    completed_steps: list[str],
    step_number: int,
    upload_owner: str,
    draft_id: uuid.UUID | str | None = None,
) -> Draft:
    """Store the form as the owner's draft (the same one again when it was
    continued from a draft). Its files are kept with it."""
    now = timezone.now()
    draft = None
    if draft_id:
        draft = Draft.objects.owned_by(owner).select_for_update().filter(pk=draft_id).first()
    if draft is None:  # new, or deleted or expired meanwhile
        draft = Draft(owner=owner, eservice=version.eservice, created_at=now)
    draft.version = version
    draft.answers = answers
    draft.completed_steps = list(completed_steps)
    draft.step_number = step_number
    draft.upload_owner = upload_owner
    draft.saved_at = now
    draft.expires_at = now + timedelta(days=version.eservice.draft_retention_days)
    draft.reminder_sent_at = None
    draft.save()
    file_ids = attachment_ids(answers)
    pending = Attachment.objects.pending_for(upload_owner)
    pending.filter(pk__in=file_ids).update(draft=draft)
    pending.filter(draft=draft).exclude(pk__in=file_ids).update(draft=None)
    return draft


def delete_draft(*, owner: Resident, draft_id: uuid.UUID | str) -> bool:
    """Delete the owner's draft and its files. False if there is none."""
    draft = Draft.objects.owned_by(owner).filter(pk=draft_id).first()
    if draft is None:
        return False
    _delete_with_files(draft)
    return True


def expire_drafts(*, now=None, batch_size: int = 200) -> int:
    """Delete drafts whose time is up, with their files, in small batches."""
    now = now or timezone.now()
    deleted = 0
    while True:
        batch = list(Draft.objects.filter(expires_at__lte=now).order_by("expires_at")[:batch_size])
        for draft in batch:
            _delete_with_files(draft)
            signals.draft_expired.send(sender=Draft, draft=draft)
        deleted += len(batch)
        if len(batch) < batch_size:
            break
    if deleted:
        logger.info("Deleted %d expired drafts", deleted)
    return deleted


def remind_expiring_drafts(*, now=None) -> int:
    """Queue a reminder for drafts deleted within a week, where the draft
    holds an e-mail address. Each draft is reminded once per save."""
    now = now or timezone.now()
    due = Draft.objects.filter(
        expires_at__gt=now, expires_at__lte=now + REMIND_BEFORE, reminder_sent_at__isnull=True
    ).select_related("version")
    queued = 0
    for draft in due.iterator():
        marked = Draft.objects.filter(pk=draft.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        )
        if marked and confirmation_email(draft.version.definition, draft.answers):
            draft_id = str(draft.pk)
            transaction.on_commit(lambda d=draft_id: tasks.send_draft_reminder.enqueue(draft_id=d))
            queued += 1
    return queued


def _delete_with_files(draft: Draft) -> None:
    with transaction.atomic():
        files = list(
            Attachment.objects.filter(case__isnull=True, message__isnull=True).filter(
                Q(draft=draft) | Q(upload_owner=draft.upload_owner)
            )
        )
        Draft.objects.filter(pk=draft.pk).delete()
        Attachment.objects.filter(pk__in=[a.pk for a in files]).delete()
    for attachment in files:
        attachment.file.delete(save=False)
