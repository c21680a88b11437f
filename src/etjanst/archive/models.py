from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArchiveExport(models.Model):
    """One SIP handed out for the e-archive: who took it, when, which cases,
    and the SHA-256 of the package exactly as delivered. Never changed."""

    package_id = models.UUIDField(_("paketets id"), unique=True)
    created_at = models.DateTimeField(_("exporterat"), default=timezone.now)
    # An API client (a receiving e-archive), or an operator's manage.py run.
    client = models.ForeignKey(
        "integrations.ApiClient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API-klient"),
    )
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("personal"),
    )
    exported_by = models.CharField(_("exporterat av"), max_length=300)
    sha256 = models.CharField(_("kontrollsumma (SHA-256)"), max_length=64)
    size = models.PositiveBigIntegerField(_("storlek"))
    cases = models.ManyToManyField("cases.Case", related_name="+", verbose_name=_("ärenden"))

    class Meta:
        verbose_name = _("export till e-arkiv")
        verbose_name_plural = _("exporter till e-arkiv")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.package_id} ({self.created_at:%Y-%m-%d %H:%M})"
