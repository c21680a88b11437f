"""Levels of assurance (tillitsnivåer) as the Swedish eID Framework names them.
A person keeps the level they logged in with; an e-service asks for one.
BankID counts as level 3."""

from django.db import models
from django.utils.translation import gettext_lazy as _

LOA_PREFIX = "http://id.elegnamnden.se/loa/1.0/"
LOA2 = LOA_PREFIX + "loa2"
LOA3 = LOA_PREFIX + "loa3"
LOA4 = LOA_PREFIX + "loa4"
UNCERTIFIED_LOA3 = "http://id.swedenconnect.se/loa/1.0/uncertified-loa3"
LOA3_NONRESIDENT = "http://id.swedenconnect.se/loa/1.0/loa3-nonresident"
# Foreign eIDs through the Swedish eIDAS connector ("nf" = not notified).
EIDAS_LOW = LOA_PREFIX + "eidas-low"
EIDAS_NF_LOW = LOA_PREFIX + "eidas-nf-low"
EIDAS_SUBSTANTIAL = LOA_PREFIX + "eidas-sub"
EIDAS_NF_SUBSTANTIAL = LOA_PREFIX + "eidas-nf-sub"
EIDAS_HIGH = LOA_PREFIX + "eidas-high"
EIDAS_NF_HIGH = LOA_PREFIX + "eidas-nf-high"


class AssuranceLevel(models.TextChoices):
    """The level of assurance an e-service asks for (per e-service)."""

    LOA2 = LOA2, _("Tillitsnivå 2")
    LOA3 = LOA3, _("Tillitsnivå 3 (som BankID)")
    LOA4 = LOA4, _("Tillitsnivå 4")


#: The AuthnContextClassRef URIs that satisfy a requested level: a higher
#: Swedish level, or the eIDAS level the framework maps to it.
ACCEPTED = {
    LOA2: [LOA2, LOA3, LOA4],
    LOA3: [LOA3, LOA4],
    LOA4: [LOA4],
}
ACCEPTED_FOREIGN = {
    LOA2: [
        EIDAS_LOW,
        EIDAS_NF_LOW,
        EIDAS_SUBSTANTIAL,
        EIDAS_NF_SUBSTANTIAL,
        EIDAS_HIGH,
        EIDAS_NF_HIGH,
    ],
    LOA3: [EIDAS_SUBSTANTIAL, EIDAS_NF_SUBSTANTIAL, EIDAS_HIGH, EIDAS_NF_HIGH],
    LOA4: [EIDAS_HIGH, EIDAS_NF_HIGH],
}
#: What a URI a person logged in with is worth, to compare with what an
#: e-service asks for later (BankID is level 3).
LEVEL = {
    LOA2: 2,
    LOA3: 3,
    LOA4: 4,
    EIDAS_LOW: 2,
    EIDAS_NF_LOW: 2,
    EIDAS_SUBSTANTIAL: 3,
    EIDAS_NF_SUBSTANTIAL: 3,
    EIDAS_HIGH: 4,
    EIDAS_NF_HIGH: 4,
}


def level_of(uri: str) -> int:
    return LEVEL.get(uri, 0)


def accepted_for(requested: str, *, foreign: bool) -> list[str]:
    table = ACCEPTED_FOREIGN if foreign else ACCEPTED
    return table.get(requested, [requested])
