from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "etjanst.content"
    verbose_name = _("Innehåll och utseende")

    def ready(self) -> None:
        from . import signals  # noqa: F401
