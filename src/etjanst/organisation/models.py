"""The municipality's organisation as the platform needs it: the committees
(nämnder) that own e-services, cases and registration series, and the purge
decisions (gallringsbeslut) they have made. The lowest domain layer: every
other app may refer to these, and they refer to nothing of ours.

The tables keep the names they had in `diarium` and `retention`, where the
models were first made (moved here to untie the import cycle between
e-services, cases, the register and purging)."""

from django.core.exceptions import ValidationError
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
        db_table = "diarium_committee"

    def __str__(self) -> str:
        return self.name

    def format_registration_number(self, *, year: int, number: int) -> str:
        return self.registration_format.format(prefix=self.prefix, year=year, number=number)


class Clock(models.TextChoices):
    CLOSED = "closed", _("när ärendet avslutats")
    SUBMITTED = "submitted", _("när ärendet kommit in")


class RetentionRule(models.Model):
    """How long cases of an e-service are kept, by a committee's decision
    (gallringsbeslut, usually in its dokumenthanteringsplan)."""

    name = models.CharField(_("namn"), max_length=200)
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, verbose_name=_("nämnd"))
    decision_reference = models.CharField(
        _("gallringsbeslut"),
        max_length=200,
        help_text=_(
            'Beslutets diarienummer och punkt, t.ex. "KS 2024/0123, dokumenthanteringsplan 4.2".'
        ),
    )
    clock = models.CharField(_("tiden räknas"), max_length=20, choices=Clock.choices)
    period_months = models.PositiveIntegerField(
        _("gallras efter (månader)"), help_text=_("Till exempel 24 för två år.")
    )

    class Meta:
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        ordering = ["committee__name", "name"]
        db_table = "retention_retentionrule"

    def __str__(self) -> str:
        # The committee and the decision tell apart rules with the same name
        # (every committee has its "Ärenden i e-tjänster").
        return f"{self.name} – {self.committee.name} ({self.decision_reference})"

    def clean(self) -> None:
        if self.pk is None or not self.committee_id:
            return
        others = self.eservices.exclude(committee_id=self.committee_id)
        if others.exists():
            raise ValidationError(
                {
                    "committee": _(
                        "Regeln används av e-tjänster som hör till en annan nämnd: "
                        "%(names)s. Byt gallringsregel för dem först."
                    )
                    % {"names": ", ".join(sorted(e.name for e in others))}
                }
            )

    def describe(self) -> str:
        years, months = divmod(self.period_months, 12)
        if months == 0:
            span = _("%(n)d år") % {"n": years}
        else:
            span = _("%(n)d månader") % {"n": self.period_months}
        return _("Gallras %(span)s %(clock)s.") % {
            "span": span,
            "clock": self.get_clock_display(),
        }
