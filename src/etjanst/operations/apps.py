from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What an operator runs the platform with: probes, metrics, logs and the
    deployment checks. Domain-free: it knows no e-service, case or person."""

    name = "etjanst.operations"
    verbose_name = _("Drift")

    def ready(self) -> None:
        from . import checks, metrics  # noqa: F401  (registers the checks and signal receivers)
