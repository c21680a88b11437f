"""The form in progress that a resident saved: a draft. Not a public
document: only its owner can reach it (`Draft.objects.owned_by`), and no
staff page, admin or export has a query for it."""

import datetime
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etjanst.eservices.models import EService, EServiceVersion
from etjanst.people.models import Resident


def draft_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=90)


class DraftQuerySet(models.QuerySet):
    def owned_by(self, resident: Resident | None) -> "DraftQuerySet":
        """The only way to reach a draft: by its owner. A draft is not a
        public document; no staff page, admin or export has a query for it."""
        if resident is None:
            return self.none()
        return self.filter(owner=resident)


class Draft(models.Model):
    """A form a logged-in resident saved with Spara to continue later. Private:
    only its owner can see it. Sending it turns it into a Case and deletes it."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id-nummer")
    )
    owner = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("ägare")
    )
    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="+", verbose_name=_("e-tjänst")
    )
    version = models.ForeignKey(EServiceVersion, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict, verbose_name=_("svar"))
    completed_steps = models.JSONField(default=list, verbose_name=_("klara steg"))
    step_number = models.PositiveSmallIntegerField(default=1, verbose_name=_("steg"))
    upload_owner = models.CharField(max_length=64, verbose_name=_("uppladdningsägare"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("skapat"))
    saved_at = models.DateTimeField(default=timezone.now, verbose_name=_("sparat"))
    expires_at = models.DateTimeField(default=draft_expiry, verbose_name=_("tas bort"))
    reminder_sent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("påminnelse skickad")
    )

    objects = DraftQuerySet.as_manager()

    class Meta:
        db_table = "cases_draft"  # made in `cases`; moved here with the form in progress
        ordering = ["-saved_at"]
        verbose_name = _("utkast")
        verbose_name_plural = _("utkast")
        indexes = [models.Index(fields=["expires_at"], name="draft_expires")]

    def __str__(self) -> str:
        return str(self.eservice)
