from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "etjanst.cases"
    verbose_name = _("Ärenden")

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  (registers its part of the register extract)
