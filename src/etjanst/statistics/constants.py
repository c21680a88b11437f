"""What the statistics count, and the buckets of the times they measure."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    STARTED = "started", _("Påbörjade")  # key: how the person came (see Login)
    STEP_DONE = "step", _("Steg klara")  # key: the step's id
    INVALID = "invalid", _("Felmeddelanden")  # key: the question's id, detail: the message
    DRAFT_SAVED = "draft_saved", _("Sparade utkast")
    DRAFT_RESUMED = "draft_resumed", _("Fortsatta utkast")
    DISCARDED = "discarded", _("Avbrutna")
    DRAFT_EXPIRED = "draft_expired", _("Utkast som gick ut")
    SENT = "sent", _("Skickade")  # key: how the person came (see Login)
    STATUS = "status", _("Statusbyten")  # key: the status code, detail: its name then
    FIRST_REPLY = "first_reply", _("Första svar")
    DECIDED = "decided", _("Avslutade")
    RATING = "rating", _("Betyg")  # key: "1".."5"


class Measure(models.TextChoices):
    FILL_IN = "fill_in", _("Tid att fylla i")
    FIRST_REPLY = "first_reply", _("Tid till första svar")
    DECISION = "decision", _("Tid till avslut")


# How the person came, in the key of STARTED and SENT; an e-ID method's id
# otherwise ("bankid", "saml:freja").
ANONYMOUS = "anonymous"
NOT_LOGGED_IN = "none"

MINUTE, HOUR, DAY = 60, 3600, 86400
# Upper bounds (seconds) of the histogram buckets that times are counted in,
# roughly geometric: fine for minutes of filling in, coarse for months of
# handling. The last bucket holds everything longer.
BOUNDS = [
    30, MINUTE, 2 * MINUTE, 3 * MINUTE, 5 * MINUTE, 7 * MINUTE, 10 * MINUTE, 15 * MINUTE,
    20 * MINUTE, 30 * MINUTE, 45 * MINUTE, HOUR, 90 * MINUTE, 2 * HOUR, 3 * HOUR, 4 * HOUR,
    6 * HOUR, 8 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY, 7 * DAY, 10 * DAY,
    14 * DAY, 21 * DAY, 30 * DAY, 45 * DAY, 60 * DAY, 90 * DAY, 120 * DAY, 180 * DAY, 365 * DAY,
]  # fmt: skip
LONGER = 10 * 365 * DAY  # the bucket of everything longer than a year


def bucket_for(seconds: float) -> int:
    """The upper bound of the bucket a time falls in."""
    for bound in BOUNDS:
        if seconds <= bound:
            return bound
    return LONGER
