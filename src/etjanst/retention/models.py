"""Purging (gallring): the append-only log of what was purged. The rules
themselves are the committees' decisions (`organisation.RetentionRule`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
