from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuardiansConfig(AppConfig):
    name = "etjanst.guardians"
    verbose_name = _("Barn och vårdnadshavare")

    def ready(self) -> None:
        from . import (  # noqa: F401  (register the child question type, its check, the extract)
            personal_data,
            question,
        )
