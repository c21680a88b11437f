"""Purging (gallring): the rules from the committees' purge decisions, and
the append-only log of what was purged."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Clock(models.TextChoices):
    CLOSED = "closed", _("när ärendet avslutats")
    SUBMITTED = "submitted", _("när ärendet kommit in")


class RetentionRule(models.Model):
    """How long cases of an e-service are kept, by a committee's decision
    (gallringsbeslut, usually in its dokumenthanteringsplan)."""

    name = models.CharField(_("namn"), max_length=200)
    committee = models.ForeignKey(
        "diarium.Committee", on_delete=models.PROTECT, verbose_name=_("nämnd")
    )
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


class PurgeLogEntry(models.Model):
    """One batch of purged cases (or expired drafts). Append-only."""

    at = models.DateTimeField(_("tid"))
    rule_name = models.CharField(_("regel"), max_length=200)
    decision_reference = models.CharField(_("gallringsbeslut"), max_length=200)
    what = models.CharField(_("vad"), max_length=20)  # "cases" or "drafts"
    count = models.PositiveIntegerField(_("antal"))
    object_ids = models.JSONField(_("id:n"))
    registration_numbers = models.JSONField(_("diarienummer"), default=list)
    by = models.CharField(_("utfört av"), max_length=200)

    class Meta:
        verbose_name = _("gallring")
        verbose_name_plural = _("gallringslogg")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.rule_name}: {self.count}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The purge log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The purge log is append-only.")
