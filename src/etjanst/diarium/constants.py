import re

from django.utils.translation import gettext_lazy as _

# The secrecy grounds a registrar picks from most often. A form may preset
# another (its `secret.ground`); every ground must look like "OSL 26:1".
SECRECY_GROUNDS = [
    ("OSL 21:1", _("uppgift om hälsa eller sexualliv")),
    ("OSL 21:3", _("risk för hot eller våld")),
    ("OSL 23:2", _("personliga förhållanden i skolan")),
    ("OSL 25:1", _("hälso- och sjukvård")),
    ("OSL 26:1", _("socialtjänst")),
]
GROUND_PATTERN = r"^OSL \d{1,2}:\d{1,2}[a-z]?$"
# Where a request goes when it names no registered document of a committee.
DEFAULT_REQUEST_COMMITTEE_PREFIX = "KS"


def is_secrecy_ground(text: str) -> bool:
    """A ground as the register writes it: a paragraph of the Public Access to
    Information and Secrecy Act, e.g. "OSL 26:1"."""
    return bool(re.match(GROUND_PATTERN, text or ""))
