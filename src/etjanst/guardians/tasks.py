"""E-mails to the other guardian, sent after the change commits. They retry
by the shared policy."""

from django.utils import timezone
from django.utils.formats import date_format
from django_tasks import task

from etjanst.notifications import emails
from etjanst.notifications.retry import retried

from .models import GuardianSignature


@task()
@retried("Guardian signature e-mail")
def tell_guardian(*, signature_id: int, template: str) -> str:
    """The request to sign, or the reminder. Only the registration number and
    the deadline: nothing about the child or the answers."""
    signature = (
        GuardianSignature.objects.select_related("case__eservice").filter(pk=signature_id).first()
    )
    if signature is None or not signature.email or signature.state != "waiting":
        return "skipped"
    emails.send(
        template,
        signature.email,
        {
            "case": signature.case,
            "link": emails.site_link("portal:guardian_sign", signature.pk),
            "deadline": date_format(timezone.localtime(signature.deadline), "j F Y"),
        },
    )
    return "sent"
