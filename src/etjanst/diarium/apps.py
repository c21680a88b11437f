from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiariumConfig(AppConfig):
    name = "etjanst.diarium"
    verbose_name = _("Diarium")
