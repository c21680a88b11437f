"""Who may fill in an e-service: the gate before every step of a form.

The faces turn a refusal into a page (the login page, the intro page with
a message); the rule itself lives only here."""

import enum
from dataclasses import dataclass

from django.utils.translation import gettext as _

from etjanst.eid.assurance import level_of
from etjanst.eservices.models import EService


class Refused(enum.Enum):
    LOGIN = "login"  # log in first
    ASSURANCE = "assurance"  # log in again with a stronger e-ID
    PERSONNUMMER = "personnummer"  # the e-ID gave no Swedish personnummer


@dataclass(frozen=True)
class Refusal:
    reason: Refused
    message: str


def refusal(*, eservice: EService, person) -> Refusal | None:
    """None when `person` (None: not logged in) may fill in the e-service."""
    if eservice.requires_login and person is None:
        return Refusal(Refused.LOGIN, _("Logga in med e-legitimation för att använda e-tjänsten."))
    if eservice.requires_login and person.assurance_level < level_of(eservice.eid_loa):
        return Refusal(
            Refused.ASSURANCE,
            _(
                "E-tjänsten kräver en e-legitimation med högre tillitsnivå än den du loggade in "
                "med. Logga in med en annan e-legitimation."
            ),
        )
    if person is not None and not person.has_personnummer and eservice.needs_personnummer:
        return Refusal(Refused.PERSONNUMMER, personnummer_needed_message())
    return None


def personnummer_needed_message() -> str:
    return _(
        "E-tjänsten kräver ett svenskt personnummer. Du är inloggad med en e-legitimation utan "
        "personnummer och kan därför inte använda e-tjänsten här. Kontakta kommunen om du "
        "behöver hjälp."
    )


class AnonymityNotChosen(Exception):
    """The e-service asks whether to be anonymous, and no answer was given."""

    def __init__(self) -> None:
        super().__init__(_("Svara på om du vill vara anonym innan du startar."))


def anonymity_choice(*, eservice: EService, posted: str | None) -> bool:
    """Whether the form is filled in anonymously: only where the e-service
    offers it, and then the resident must answer yes or no."""
    if not eservice.anonymity_offered:
        return False
    if posted not in {"yes", "no"}:
        raise AnonymityNotChosen
    return posted == "yes"
