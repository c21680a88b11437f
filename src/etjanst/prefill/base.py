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
class Relative:
    personnummer: str  # 12 digits
    given_name: str
    surname: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()


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
        children = tuple(Relative(**child) for child in data.get("children", ()))
        return cls(**{**data, "address": address, "children": children})


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
