"""The typed base every prefill source implements (Navet, later SPAR), and
what a source answers about a person."""

from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field, replace

from django.conf import settings


class PrefillUnavailable(Exception):
    """The register is down, too slow, refused us or answered something we
    cannot read. The e-service goes on without prefill."""


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str  # "123 45"
    city: str
    care_of: str = ""


@dataclass(frozen=True)
class Guardian:
    """A child's guardian (vårdnadshavare) as the register names them. A
    protected guardian never has an address here."""

    personnummer: str  # 12 digits
    given_name: str
    surname: str
    protected: bool = False
    address: Address | None = None

    def __post_init__(self) -> None:
        if self.protected and self.address is not None:
            object.__setattr__(self, "address", None)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()


@dataclass(frozen=True)
class Relative:
    """A child in the person's custody. `details` says whether the register
    was asked about the child itself (address, municipality, protection,
    guardians); a protected child never has an address here."""

    personnummer: str  # 12 digits
    given_name: str
    surname: str
    address: Address | None = None
    municipality: str = ""  # kommunkod of the child's folkbokföring, e.g. "0180"
    protected: bool = False
    guardians: tuple[Guardian, ...] = ()
    details: bool = False

    def __post_init__(self) -> None:
        if self.protected and self.address is not None:
            object.__setattr__(self, "address", None)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()

    @classmethod
    def from_session(cls, data: dict) -> "Relative":
        address = Address(**data["address"]) if data.get("address") else None
        guardians = tuple(
            Guardian(
                **{
                    **g,
                    "address": Address(**g["address"]) if g.get("address") else None,
                }
            )
            for g in data.get("guardians", ())
        )
        return cls(**{**data, "address": address, "guardians": guardians})


@dataclass(frozen=True)
class PersonRecord:
    """A person as the population register knows them. A person with
    protected identity (sekretessmarkering or skyddad folkbokföring) never
    has an address here: sources drop it before anything else sees it."""

    personnummer: str
    given_name: str
    surname: str
    address: Address | None = None
    protected: bool = False
    children: tuple[Relative, ...] = field(default_factory=tuple)
    municipality: str = ""  # kommunkod of the person's folkbokföring
    # The person's own guardians (for a child under 18), names only: their
    # protection and address are asked separately (Navet.fetch).
    guardians: tuple[Guardian, ...] = ()

    def __post_init__(self) -> None:
        if self.protected and self.address is not None:
            object.__setattr__(self, "address", None)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()

    def as_session(self) -> dict:
        return asdict(replace(self, address=None if self.protected else self.address))

    @classmethod
    def from_session(cls, data: dict) -> "PersonRecord":
        address = Address(**data["address"]) if data.get("address") else None
        children = tuple(Relative.from_session(child) for child in data.get("children", ()))
        guardians = tuple(Guardian(**{**g, "address": None}) for g in data.get("guardians", ()))
        return cls(**{**data, "address": address, "children": children, "guardians": guardians})


class PrefillSource(ABC):
    identifier: str = ""
    #: The register's name, as staff read it in the e-service editor.
    name: str = ""
    #: attribute -> the question types it can fill in.
    attributes: dict[str, tuple[str, ...]] = {}

    def is_enabled(self) -> bool:
        return self.identifier in settings.ETJANST_PREFILL_SOURCES

    @abstractmethod
    def fetch(self, personnummer: str) -> PersonRecord:
        """The person's record, or PrefillUnavailable. Never logs what the
        register answered. Only called with a Swedish personnummer (12
        digits): prefill.service skips a person without one."""
