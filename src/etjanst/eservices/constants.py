from django.db import models
from django.utils.translation import gettext_lazy as _


class Login(models.TextChoices):
    NONE = "none", _("Ingen inloggning")
    OPTIONAL = "optional", _("Frivillig inloggning")
    REQUIRED = "required", _("Kräver inloggning")


class GuardianSigning(models.TextChoices):
    """Whether every guardian of the chosen child signs (etjanst.guardians)."""

    NONE = "", _("Bara den som skickar in")
    ALL = "all", _("Alla vårdnadshavare")
    UNLESS_TOGETHER = "unless_together", _("Alla vårdnadshavare, utom när de bor på samma adress")
