"""The typed base every e-ID method implements (BankID, the SAML e-IDs)."""

from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class LoginOption:
    """One choice on /logga-in/."""

    name: str
    description: str
    url: str
    #: A foreign e-ID (eIDAS): it may give no Swedish personnummer.
    foreign: bool = False


class EIDMethod(ABC):
    identifier: str = ""
    #: The name residents see on /logga-in/, in plain Swedish.
    name: str = ""
    #: One sentence under the name.
    description: str = ""

    def is_enabled(self) -> bool:
        return self.identifier in settings.ETJANST_EID_METHODS

    @abstractmethod
    def login_url(self, next_url: str) -> str:
        """Where the resident goes to log in with this method."""

    def login_options(self, next_url: str) -> list[LoginOption]:
        """The choices this method puts on /logga-in/: one, unless the method
        reaches several e-IDs (one per SAML identity provider)."""
        return [LoginOption(str(self.name), str(self.description), self.login_url(next_url))]
