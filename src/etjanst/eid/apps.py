from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EIDConfig(AppConfig):
    name = "etjanst.eid"
    verbose_name = _("E-legitimation")

    def ready(self) -> None:
        # Registers the BankID method, the SAML e-IDs and their deploy checks.
        from . import bankid_login, checks, saml_login  # noqa: F401
