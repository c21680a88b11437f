from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "etjanst.retention"
    verbose_name = _("Gallring")
    default_auto_field = "django.db.models.BigAutoField"
