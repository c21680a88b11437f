"""Background work after a case is received. Idempotent: a task that runs
twice does its work once."""

import logging
import smtplib
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django_tasks import task

from etjanst.notifications import emails

from .models import Case, Draft, Message
from .receipts import ensure_receipt_pdf

logger = logging.getLogger(__name__)

# Retries when the mail server is down: after 1, 5, 15, 60 minutes, then 4
# hours, 12 hours. After the last one the task fails and shows in admin.
EMAIL_RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 720)]


def _retry_later(the_task, exc: Exception, attempt: int, what: str, **kwargs) -> str:
    """Queue the task again later, or fail for good after the last delay."""
    if attempt > len(EMAIL_RETRY_DELAYS):
        raise exc
    delay = EMAIL_RETRY_DELAYS[attempt - 1]
    logger.warning(
        "%s failed (attempt %d): %s; retrying in %s", what, attempt, exc.__class__.__name__, delay
    )
    the_task.using(run_after=timezone.now() + delay).enqueue(**kwargs, attempt=attempt + 1)
    return "retry"


@task()
def render_receipt_pdf(*, case_id: int) -> None:
    case = Case.objects.filter(pk=case_id).first()
    if case is not None:
        ensure_receipt_pdf(case)


@task()
def send_confirmation_email(*, case_id: int, attempt: int = 1) -> str:
    case = Case.objects.select_related("eservice", "version").filter(pk=case_id).first()
    if case is None or case.confirmation_sent_at is not None:
        return "skipped"
    try:
        emails.send_case_confirmation(case)
    except (smtplib.SMTPException, OSError) as exc:
        what = f"Confirmation e-mail for case {case.pk}"
        return _retry_later(send_confirmation_email, exc, attempt, what, case_id=case_id)
    Case.objects.filter(pk=case.pk).update(confirmation_sent_at=timezone.now())
    return "sent"


@task()
def send_message_nudge(*, message_id: int, attempt: int = 1) -> str:
    """Tell the resident a message from the municipality waits on Mina sidor."""
    message = (
        Message.objects.select_related("case__version", "case__eservice")
        .filter(pk=message_id, from_staff=True)
        .first()
    )
    if message is None or message.notified_at is not None or message.read_at is not None:
        return "skipped"
    try:
        sent = emails.send_message_nudge(message.case)
    except (smtplib.SMTPException, OSError) as exc:
        what = f"Message e-mail for message {message.pk}"
        return _retry_later(send_message_nudge, exc, attempt, what, message_id=message_id)
    Message.objects.filter(pk=message.pk).update(notified_at=timezone.now())
    return "sent" if sent else "no address"


@task()
def send_draft_reminder(*, draft_id: str, attempt: int = 1) -> str:
    """Remind the owner that a saved draft will soon be deleted."""
    draft = Draft.objects.select_related("version").filter(pk=draft_id).first()
    if draft is None:
        return "skipped"
    try:
        emails.send_draft_reminder(draft)
    except (smtplib.SMTPException, OSError) as exc:
        what = "Draft reminder"
        return _retry_later(send_draft_reminder, exc, attempt, what, draft_id=draft_id)
    return "sent"


@task()
def expire_drafts() -> str:
    """The daily run: remind, then delete what is due."""
    from .drafts import expire_drafts as expire
    from .drafts import remind_expiring_drafts

    reminded = remind_expiring_drafts()
    deleted = expire()
    return f"reminded {reminded}, deleted {deleted}"


@task()
def notify_officers(*, case_id: int, attempt: int = 1) -> str:
    """Tell the officers who asked for it that a new case has come in."""
    from etjanst.people.models import StaffAccess

    case = Case.objects.select_related("eservice").filter(pk=case_id).first()
    if case is None:
        return "skipped"
    recipients = sorted(
        set(
            StaffAccess.objects.filter(notify_new_cases=True, user__is_active=True)
            .filter(
                models.Q(committee_id=case.committee_id) | models.Q(eservice_id=case.eservice_id)
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not recipients:
        return "nobody"
    try:
        emails.send_new_case_notice(case, recipients)
    except (smtplib.SMTPException, OSError) as exc:
        what = f"New-case notice for case {case.pk}"
        return _retry_later(notify_officers, exc, attempt, what, case_id=case_id)
    return "sent"
