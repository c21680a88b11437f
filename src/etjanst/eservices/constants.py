from django.db import models
from django.utils.translation import gettext_lazy as _


class Login(models.TextChoices):
    NONE = "none", _("Ingen inloggning")
    OPTIONAL = "optional", _("Frivillig inloggning")
    REQUIRED = "required", _("Kräver inloggning")
