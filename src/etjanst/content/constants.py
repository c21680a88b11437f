from django.db import models
from django.utils.translation import gettext_lazy as _


class Placement(models.TextChoices):
    FOOTER = "footer", _("Länk i sidfoten")
    MENU = "menu", _("Länk i menyn")
    LINKED = "linked", _("Bara länkad från e-tjänster")


class Level(models.TextChoices):
    # Ordered by how serious they are: the banner shows the worst first.
    DISRUPTION = "disruption", _("Störning")
    WARNING = "warning", _("Varning")
    INFORMATION = "information", _("Information")


class Scope(models.TextChoices):
    SITE = "site", _("Hela webbplatsen")
    ESERVICE = "eservice", _("En e-tjänst")
    EID = "eid", _("En e-legitimation")


LEVEL_ORDER = {level: order for order, level in enumerate(Level.values)}
