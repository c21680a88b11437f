"""Anonymous counters that outlive the cases: per e-service, version and day,
how many of each thing happened. No row names a person, a case, a session
or an address, so nothing here is personal data and the purge leaves it be.
Views read a few hundred rows per e-service and year, never the events:
month rows (MonthlyCount, MonthlyDuration) for the whole months of a
period, day rows for the days at its ends (statistics.rollup)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from etjanst.eservices.models import EService

from .constants import Measure, Metric


class DailyCount(models.Model):
    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="+", verbose_name=_("e-tjänst")
    )
    version = models.PositiveIntegerField(_("version"))
    day = models.DateField(_("dag"))
    metric = models.CharField(_("vad"), max_length=20, choices=Metric.choices)
    key = models.CharField(_("nyckel"), max_length=100, blank=True, default="")
    detail = models.CharField(_("detalj"), max_length=200, blank=True, default="")
    count = models.PositiveBigIntegerField(_("antal"), default=0)

    class Meta:
        verbose_name = _("räknare per dag")
        verbose_name_plural = _("räknare per dag")
        constraints = [
            # The upsert's conflict target (recording.count).
            models.UniqueConstraint(
                fields=["eservice", "version", "day", "metric", "key", "detail"],
                name="unique_daily_count",
            )
        ]
        indexes = [models.Index(fields=["day", "metric"], name="daily_count_day")]
        permissions = [
            ("view_municipality_statistics", _("Kan se statistik för hela kommunen")),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.key}: {self.count}"


class DailyDuration(models.Model):
    """A histogram per day: how many times fell in each bucket (its upper
    bound in seconds, constants.BOUNDS). Medians and p90 come from it."""

    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="+", verbose_name=_("e-tjänst")
    )
    version = models.PositiveIntegerField(_("version"))
    day = models.DateField(_("dag"))
    measure = models.CharField(_("vad"), max_length=20, choices=Measure.choices)
    bucket = models.PositiveIntegerField(_("högst sekunder"))
    count = models.PositiveBigIntegerField(_("antal"), default=0)

    class Meta:
        verbose_name = _("tider per dag")
        verbose_name_plural = _("tider per dag")
        constraints = [
            models.UniqueConstraint(
                fields=["eservice", "version", "day", "measure", "bucket"],
                name="unique_daily_duration",
            )
        ]
        # The days at a period's ends (statistics.rollup) for many e-services
        # at once: without it, a scan of the whole table.
        indexes = [models.Index(fields=["day", "measure"], name="daily_duration_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.measure} ≤{self.bucket}s: {self.count}"


class MonthlyCount(models.Model):
    """The day rows of DailyCount summed per calendar month: the roll-up
    that periods of months and years are read from (statistics.rollup).

    Kept in step by recording.count, in the same transaction as the day
    row it adds to, so a month row is always the sum of its month's day
    rows — the current month too. `manage.py rebuild_statistics_months`
    computes it again from the day rows (actions.rebuild_months)."""

    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="+", verbose_name=_("e-tjänst")
    )
    version = models.PositiveIntegerField(_("version"))
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    metric = models.CharField(_("vad"), max_length=20, choices=Metric.choices)
    key = models.CharField(_("nyckel"), max_length=100, blank=True, default="")
    detail = models.CharField(_("detalj"), max_length=200, blank=True, default="")
    count = models.PositiveBigIntegerField(_("antal"), default=0)

    class Meta:
        verbose_name = _("räknare per månad")
        verbose_name_plural = _("räknare per månad")
        constraints = [
            models.UniqueConstraint(
                fields=["eservice", "version", "month", "metric", "key", "detail"],
                name="unique_monthly_count",
            )
        ]
        indexes = [models.Index(fields=["month", "metric"], name="monthly_count_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.metric} {self.key}: {self.count}"


class MonthlyDuration(models.Model):
    """DailyDuration's histograms summed per calendar month (as MonthlyCount)."""

    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="+", verbose_name=_("e-tjänst")
    )
    version = models.PositiveIntegerField(_("version"))
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    measure = models.CharField(_("vad"), max_length=20, choices=Measure.choices)
    bucket = models.PositiveIntegerField(_("högst sekunder"))
    count = models.PositiveBigIntegerField(_("antal"), default=0)

    class Meta:
        verbose_name = _("tider per månad")
        verbose_name_plural = _("tider per månad")
        constraints = [
            models.UniqueConstraint(
                fields=["eservice", "version", "month", "measure", "bucket"],
                name="unique_monthly_duration",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.measure} ≤{self.bucket}s: {self.count}"


class SurveyComment(models.Model):
    """A comment from the satisfaction survey. Only the month is kept, and
    the id is random, so that neither the time nor the order of the rows
    points at the case it was written after."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="+", verbose_name=_("e-tjänst")
    )
    version = models.PositiveIntegerField(_("version"))
    month = models.DateField(_("månad"))
    text = models.TextField(_("kommentar"))

    class Meta:
        verbose_name = _("kommentar i enkäten")
        verbose_name_plural = _("kommentarer i enkäten")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.eservice_id}"


class EServiceOptions(models.Model):
    """What an e-service's administrators chose for its statistics."""

    eservice = models.OneToOneField(
        EService,
        on_delete=models.CASCADE,
        related_name="statistics_options",
        verbose_name=_("e-tjänst"),
    )
    survey = models.BooleanField(
        _("fråga vad invånaren tycker"),
        default=False,
        help_text=_("Ett betyg 1–5 och en valfri kommentar på kvittosidan efter Skicka."),
    )
    open_data = models.BooleanField(
        _("publicera som öppna data"),
        default=False,
        help_text=_(
            "Antal skickade ärenden per månad och mediantid till avslut visas på den "
            "öppna statistiksidan och som CSV och JSON."
        ),
    )

    class Meta:
        verbose_name = _("statistikval för e-tjänst")
        verbose_name_plural = _("statistikval för e-tjänster")

    def __str__(self) -> str:
        return str(self.eservice)
