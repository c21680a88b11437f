from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_REGISTRATION_FORMAT = "{prefix} {year}/{number:04}"


class Committee(models.Model):
    """A nämnd: owns e-services and keeps its own registration series."""

    name = models.CharField(_("namn"), max_length=200, unique=True)
    prefix = models.CharField(
        _("diarieprefix"),
        max_length=20,
        unique=True,
        help_text=_("Står först i diarienumret, t.ex. KS för kommunstyrelsen."),
    )
    registration_format = models.CharField(
        _("format för diarienummer"),
        max_length=100,
        default=DEFAULT_REGISTRATION_FORMAT,
        help_text=_("Med {prefix}, {year} och {number}, t.ex. {prefix} {year}/{number:04}."),
    )

    class Meta:
        verbose_name = _("nämnd")
        verbose_name_plural = _("nämnder")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def format_registration_number(self, *, year: int, number: int) -> str:
        return self.registration_format.format(prefix=self.prefix, year=year, number=number)


class RegistrationCounter(models.Model):
    """The last number handed out in one series (committee) and year.

    Incremented under a row lock in the same transaction that creates the
    case, so numbers are unique and have no gaps."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="unique_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.committee.prefix} {self.year}: {self.last_number}"
