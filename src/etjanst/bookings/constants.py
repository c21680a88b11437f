from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    HELD = "held", _("Reserverad")
    CONFIRMED = "confirmed", _("Bokad")
    CANCELLED = "cancelled", _("Avbokad")
    REBOOKED = "rebooked", _("Ombokad")
    EXPIRED = "expired", _("Släppt")


# The statuses that take a place in a slot (counted in Slot.booked).
TAKES_PLACE = (BookingStatus.HELD, BookingStatus.CONFIRMED)

# How long a time picked in an e-service is held while the form is finished.
HOLD_MINUTES = 15


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("måndag")
    TUESDAY = 1, _("tisdag")
    WEDNESDAY = 2, _("onsdag")
    THURSDAY = 3, _("torsdag")
    FRIDAY = 4, _("fredag")
    SATURDAY = 5, _("lördag")
    SUNDAY = 6, _("söndag")
