"""Background work for drafts: the reminder before a saved draft is deleted.
E-mails retry by the shared policy."""

from django_tasks import task

from etjanst.notifications import emails
from etjanst.notifications.retry import retried

from .models import Draft


@task()
@retried("Draft reminder")
def send_draft_reminder(*, draft_id: str) -> str:
    """Remind the owner that a saved draft will soon be deleted."""
    draft = Draft.objects.select_related("version").filter(pk=draft_id).first()
    if draft is None:
        return "skipped"
    emails.send_draft_reminder(draft)
    return "sent"
