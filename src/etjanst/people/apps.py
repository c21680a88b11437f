from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "etjanst.people"
    verbose_name = _("Invånare")
    default_auto_field = "django.db.models.BigAutoField"
