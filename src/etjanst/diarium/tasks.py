"""Background work for requests for public documents. Idempotent."""

from django.utils import timezone
from django_tasks import task

from etjanst.notifications.retry import retried

from . import emails
from .models import Release


@task()
@retried("Release e-mail")
def send_release_email(*, release_id: int) -> str:
    """Send the masked copy (never the original) to the address given."""
    release = Release.objects.select_related("request").filter(pk=release_id).first()
    if release is None or release.emailed_at is not None or not release.request.contact_email:
        return "skipped"
    emails.send_release(release, release.request.contact_email)
    release.emailed_at = timezone.now()
    release.save(update_fields=["emailed_at"])
    return "sent"
