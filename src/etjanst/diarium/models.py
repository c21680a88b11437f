import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etjanst.organisation.models import Committee


class RegistrationCounter(models.Model):
    """The last number handed out in one series (committee) and year.

    Incremented under a row lock in the same transaction that creates the
    case, so numbers are unique and have no gaps."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="counters", verbose_name=_("nämnd")
    )
    year = models.PositiveSmallIntegerField(verbose_name=_("år"))
    last_number = models.PositiveIntegerField(default=0, verbose_name=_("senaste nummer"))

    class Meta:
        verbose_name = _("diarieräknare")
        verbose_name_plural = _("diarieräknare")
        constraints = [
            models.UniqueConstraint(fields=["committee", "year"], name="unique_counter_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.committee.prefix} {self.year}: {self.last_number}"


class SecrecyMarking(models.Model):
    """A secrecy flag (sekretessmarkering) on a case: on the whole case (no
    question) or on one question's answer. Preset at submission from the
    form's `secret` option, or set by staff. A case with any marking shows
    neither sender nor description in the public register."""

    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="secrecy_markings",
        verbose_name=_("ärende"),
    )
    # Empty: the whole case.
    question_id = models.CharField(_("fråga"), max_length=50, blank=True)
    ground = models.CharField(_("grund"), max_length=100, help_text=_("Lagrummet, t.ex. OSL 26:1."))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("satt av"),
    )
    set_at = models.DateTimeField(default=timezone.now, verbose_name=_("satt"))

    class Meta:
        verbose_name = _("sekretessmarkering")
        verbose_name_plural = _("sekretessmarkeringar")
        constraints = [
            models.UniqueConstraint(fields=["case", "question_id"], name="unique_secrecy_marking")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.question_id or '*'}: {self.ground}"


class DeliveryForm(models.TextChoices):
    EMAIL = "email", _("Kopia med e-post")
    POST = "post", _("Kopia med post")
    ON_SITE = "on_site", _("Läsa på plats i kommunhuset")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Inkommen")
    DONE = "done", _("Avslutad")


class DocumentRequestQuerySet(models.QuerySet):
    def visible_to_staff(self, user) -> "DocumentRequestQuerySet":
        """Requests a staff user may handle: registrars, officers and
        administrators of the request's committee (global administrators:
        all)."""
        from etjanst.people.access import request_scope

        scope = request_scope(user)
        return self if scope is None else self.filter(scope)


class DocumentRequest(models.Model):
    """A request for public documents (begäran om allmän handling). Asks
    nothing about who asks or why (TF 2:18); contact details only to send
    the answer. Registered in its own right."""

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="document_requests",
        verbose_name=_("nämnd"),
    )
    registration_year = models.PositiveSmallIntegerField(verbose_name=_("diarieår"))
    registration_sequence = models.PositiveIntegerField(verbose_name=_("löpnummer"))
    registration_number = models.CharField(_("diarienummer"), max_length=50, unique=True)
    received_at = models.DateTimeField(_("inkommen"))
    wanted = models.TextField(_("vad som begärs"))
    delivery = models.CharField(_("form"), max_length=20, choices=DeliveryForm.choices)
    contact_name = models.CharField(_("namn"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-postadress"), blank=True)
    contact_address = models.TextField(_("postadress"), blank=True)
    status = models.CharField(
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.RECEIVED,
        verbose_name=_("status"),
    )
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("avslutad"))
    # Sent with the form: a double click finds the request already made.
    submission_key = models.UUIDField(unique=True, verbose_name=_("inskickningsnyckel"))

    objects = DocumentRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("begäran om allmän handling")
        verbose_name_plural = _("begäranden om allmän handling")
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "registration_year", "registration_sequence"],
                name="unique_request_sequence",
            )
        ]

    def __str__(self) -> str:
        return self.registration_number

    @property
    def recipient(self) -> str:
        return self.contact_email or self.contact_name


def release_path(instance: "Release", filename: str) -> str:
    return f"releases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Release(models.Model):
    """The log of one answer to a request (utlämnande): what was released,
    to whom, when, by whom, what was masked or withheld on which ground.
    Append-only: never changed or deleted."""

    request = models.ForeignKey(
        DocumentRequest,
        on_delete=models.PROTECT,
        related_name="releases",
        verbose_name=_("begäran"),
    )
    case_id = models.BigIntegerField(_("ärende-id"))
    registration_number = models.CharField(_("diarienummer"), max_length=50)
    at = models.DateTimeField(_("tid"), default=timezone.now)
    # No foreign key: the log outlives users.
    user_id = models.BigIntegerField(_("användar-id"))
    user_name = models.CharField(_("utlämnad av"), max_length=300)
    recipient = models.CharField(_("mottagare"), max_length=300, blank=True)
    delivery = models.CharField(_("form"), max_length=20, choices=DeliveryForm.choices)
    # [{"what": "field"|"file"|"message"|"sender", "label": ..., "ground": ...}]
    masked = models.JSONField(_("maskerat"), default=list)
    withheld = models.JSONField(_("sekretessbelagt i sin helhet"), default=list)
    released_files = models.JSONField(_("utlämnade bilagor"), default=list)
    masked_pdf = models.FileField(upload_to=release_path, verbose_name=_("maskerad kopia (PDF)"))
    decision_pdf = models.FileField(
        upload_to=release_path, blank=True, verbose_name=_("beslut (PDF)")
    )
    emailed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("skickad med e-post"))

    class Meta:
        verbose_name = _("utlämnande")
        verbose_name_plural = _("utlämnanden")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.request} {self.registration_number}"

    def save(self, *args, **kwargs):
        if self.pk is not None and set(kwargs.get("update_fields") or []) != {"emailed_at"}:
            raise ValueError("A release is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A release is append-only.")

    @property
    def has_decision(self) -> bool:
        return bool(self.withheld or self.masked)
