from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "etjanst.integrations"
    verbose_name = _("Integrationer")

    def ready(self) -> None:
        from etjanst.retention.waits import register_wait

        from . import signals  # noqa: F401
        from .purge_waits import WAIT

        register_wait(WAIT)
