"""Background work after a case is received. Idempotent: a task that runs
twice does its work once."""

import logging
import smtplib
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from etjanst.notifications.emails import send_case_confirmation

from .models import Case
from .receipts import ensure_receipt_pdf

logger = logging.getLogger(__name__)

# Retries when the mail server is down: after 1, 5, 15, 60 minutes, then 4
# hours, 12 hours. After the last one the task fails and shows in admin.
EMAIL_RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 720)]


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
        send_case_confirmation(case)
    except (smtplib.SMTPException, OSError) as exc:
        if attempt > len(EMAIL_RETRY_DELAYS):
            raise
        delay = EMAIL_RETRY_DELAYS[attempt - 1]
        logger.warning(
            "Confirmation e-mail for case %s failed (attempt %d): %s; retrying in %s",
            case.pk,
            attempt,
            exc.__class__.__name__,
            delay,
        )
        send_confirmation_email.using(run_after=timezone.now() + delay).enqueue(
            case_id=case_id, attempt=attempt + 1
        )
        return "retry"
    Case.objects.filter(pk=case.pk).update(confirmation_sent_at=timezone.now())
    return "sent"
