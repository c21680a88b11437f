"""Background work for requests for public documents. Idempotent."""

import smtplib

from django.utils import timezone
from django_tasks import task

from etjanst.cases.tasks import _retry_later
from etjanst.notifications import emails

from .models import Release


@task()
def send_release_email(*, release_id: int, attempt: int = 1) -> str:
    """Send the masked copy (never the original) to the address given."""
    release = Release.objects.select_related("request").filter(pk=release_id).first()
    if release is None or release.emailed_at is not None or not release.request.contact_email:
        return "skipped"
    try:
        emails.send_release(release, release.request.contact_email)
    except (smtplib.SMTPException, OSError) as exc:
        what = f"Release e-mail for release {release.pk}"
        return _retry_later(send_release_email, exc, attempt, what, release_id=release_id)
    release.emailed_at = timezone.now()
    release.save(update_fields=["emailed_at"])
    return "sent"
