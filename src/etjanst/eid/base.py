"""The typed base every e-ID method implements (BankID, the SAML e-IDs)."""

from abc import ABC, abstractmethod

from django.conf import settings


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
