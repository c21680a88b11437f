from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EIDConfig(AppConfig):
    name = "etjanst.eid"
    verbose_name = _("E-legitimation")

    def ready(self) -> None:
        from . import bankid_login  # noqa: F401  (registers the BankID method)
