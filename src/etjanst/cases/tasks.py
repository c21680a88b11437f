"""Background work after a case is received. Idempotent: a task that runs
twice does its work once. E-mails retry by the shared policy."""

from django.db import models
from django.utils import timezone
from django_tasks import task

from etjanst.notifications import emails
from etjanst.notifications.retry import retried
from etjanst.people.models import StaffAccess

from .models import Case, Message
from .receipts import ensure_receipt_pdf


@task()
def render_receipt_pdf(*, case_id: int) -> None:
    case = Case.objects.filter(pk=case_id).first()
    if case is not None:
        ensure_receipt_pdf(case)


@task()
@retried("Confirmation e-mail")
def send_confirmation_email(*, case_id: int) -> str:
    case = Case.objects.select_related("eservice", "version").filter(pk=case_id).first()
    if case is None or case.confirmation_sent_at is not None:
        return "skipped"
    emails.send_case_confirmation(case)
    Case.objects.filter(pk=case.pk).update(confirmation_sent_at=timezone.now())
    return "sent"


@task()
@retried("Message e-mail")
def send_message_nudge(*, message_id: int) -> str:
    """Tell the resident a message from the municipality waits on Mina sidor."""
    message = (
        Message.objects.select_related("case__version", "case__eservice")
        .filter(pk=message_id, from_staff=True)
        .first()
    )
    if message is None or message.notified_at is not None or message.read_at is not None:
        return "skipped"
    sent = emails.send_message_nudge(message.case)
    Message.objects.filter(pk=message.pk).update(notified_at=timezone.now())
    return "sent" if sent else "no address"


@task()
@retried("New-case notice")
def notify_officers(*, case_id: int) -> str:
    """Tell the officers who asked for it that a new case has come in."""
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
    emails.send_new_case_notice(case, recipients)
    return "sent"
