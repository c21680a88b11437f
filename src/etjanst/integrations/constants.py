from django.db import models
from django.utils.translation import gettext_lazy as _


class Permission(models.TextChoices):
    """What an API client may do, within its e-services and committees."""

    READ_CASES = "read_cases", _("Läsa ärenden, bilagor och händelser")
    WRITE_STATUS = "write_status", _("Ändra status och tilldela handläggare")
    WRITE_MESSAGES = "write_messages", _("Skicka meddelanden och skriva interna anteckningar")
    DELIVERIES = "deliveries", _("Läsa och bekräfta leveranser")
    ARCHIVE_EXPORT = "archive_export", _("Exportera till e-arkiv")


# The webhook events a subscription may choose (integrations.webhooks.EVENT_TYPES).
EVENT_LABELS = {
    "case.submitted": _("Nytt ärende"),
    "case.status_changed": _("Ändrad status"),
    "case.message_received": _("Meddelande från invånaren"),
    "case.message_sent": _("Meddelande till invånaren"),
    "case.purged": _("Ärendet har gallrats"),
}
