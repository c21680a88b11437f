"""The logged-in resident, as known from the e-ID. Kept in the session only."""

from dataclasses import asdict, dataclass

from . import personnummer as pnr


@dataclass(frozen=True)
class Person:
    personnummer: str  # 12 digits
    given_name: str
    surname: str
    method: str  # the e-ID method id, e.g. "bankid"

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()

    @property
    def masked_personnummer(self) -> str:
        return pnr.mask(self.personnummer)

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
