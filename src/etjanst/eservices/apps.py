from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EServicesConfig(AppConfig):
    name = "etjanst.eservices"
    verbose_name = _("E-tjänster")
