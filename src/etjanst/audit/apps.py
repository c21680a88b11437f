from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "etjanst.audit"
    verbose_name = _("Loggar")
    default_auto_field = "django.db.models.BigAutoField"
