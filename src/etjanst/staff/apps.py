from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The officers' pages (/handlaggning/): no business rules, no models."""

    name = "etjanst.staff"
    verbose_name = _("Handläggning")
