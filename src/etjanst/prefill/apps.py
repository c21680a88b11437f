from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrefillConfig(AppConfig):
    name = "etjanst.prefill"
    verbose_name = _("Förifyllda uppgifter")

    def ready(self) -> None:
        from .contrib.navet import plugin  # noqa: F401  (registers the Navet source)
