"""The logged-in resident, as known from the e-ID. Kept in the session only."""

from dataclasses import asdict, dataclass

from . import personnummer as pnr
from .assurance import LOA3, level_of


@dataclass(frozen=True)
class Person:
    """A Swedish e-ID gives a personnummer. A foreign e-ID (eIDAS) may not:
    then `personnummer` is None and `identifier` holds the eIDAS person
    identifier (e.g. "DE:1234…"), with the date of birth when known."""

    personnummer: str | None  # 12 digits, or None for a foreign e-ID without one
    given_name: str
    surname: str
    method: str  # the e-ID method id, e.g. "bankid" or "saml:freja"
    identifier: str = ""  # the foreign person identifier (eIDAS prid) when there is one
    date_of_birth: str = ""  # YYYY-MM-DD, from a foreign e-ID
    loa: str = LOA3  # the level of assurance of the login (BankID: loa3)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()

    @property
    def has_personnummer(self) -> bool:
        return bool(self.personnummer)

    @property
    def assurance_level(self) -> int:
        return level_of(self.loa)

    @property
    def masked_personnummer(self) -> str:
        return pnr.mask(self.personnummer) if self.personnummer else ""

    def as_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data: dict | None) -> "Person | None":
        if not data:
            return None
        try:
            return cls(**data)
        except TypeError:
            return None
