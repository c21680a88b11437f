"""The form in progress that a resident saved: a draft. Not a public
document: only its owner can reach it (`Draft.objects.owned_by`), and no
staff page, admin or export has a query for it."""

import datetime
import uuid

from django.conf import settings
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


def test_run_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=24)


class TestRunQuerySet(models.QuerySet):
    def usable_by(self, user) -> "TestRunQuerySet":
        """The test runs `user` may fill in: their own, not expired, of an
        e-service they still build, after the staff login's one-time code.
        Anyone else (a resident, an officer) reaches none."""
        verified = getattr(user, "is_verified", None)
        if not (getattr(user, "is_authenticated", False) and verified and verified()):
            return self.none()
        return self.filter(
            started_by=user,
            expires_at__gt=timezone.now(),
            eservice__in=EService.objects.buildable_by(user),
        )


class TestRun(models.Model):
    """The builder's "Testa e-tjänsten": an administrator fills in the draft
    version as a resident would. Never registered (submissions.testmode);
    deleted by `expire_test_runs` a day after it was started."""

    __test__ = False  # not a pytest test class, whatever its name

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id-nummer")
    )
    eservice = models.ForeignKey(
        EService, on_delete=models.CASCADE, related_name="+", verbose_name=_("e-tjänst")
    )
    version = models.ForeignKey(
        EServiceVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("version")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("startad av"),
    )
    # One of testmode.TEST_PERSONS (Skatteverket's test personnummer), or
    # empty: filled in without a login.
    test_personnummer = models.CharField(_("testperson"), max_length=12, blank=True)
    upload_owner = models.CharField(_("uppladdningsägare"), max_length=64, blank=True)
    # The confirmation the resident would get goes to the administrator instead.
    email_me = models.BooleanField(_("bekräftelsen till förvaltaren"), default=False)
    answers = models.JSONField(_("svar"), null=True, blank=True)  # when sent
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    created_at = models.DateTimeField(_("startad"), default=timezone.now)
    expires_at = models.DateTimeField(_("tas bort"), default=test_run_expiry)

    objects = TestRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("testkörning")
        verbose_name_plural = _("testkörningar")
        indexes = [models.Index(fields=["expires_at"], name="test_run_expires")]

    def __str__(self) -> str:
        return str(self.eservice)
