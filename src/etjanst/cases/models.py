import datetime
import secrets
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etjanst.diarium.models import Committee
from etjanst.eservices.models import EService, EServiceVersion


def new_receipt_token() -> str:
    return secrets.token_urlsafe(32)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the submitted file name: a generated one, no extension.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def receipt_path(instance: "Case", filename: str) -> str:
    return f"receipts/{instance.received_at:%Y/%m}/{uuid.uuid4().hex}.pdf"


class CaseQuerySet(models.QuerySet):
    def with_receipt_token(self, token: str, *, allowed_ids: list[int]) -> "CaseQuerySet":
        """The case behind a receipt link, only for the browser session that
        sent it: the token alone is not enough."""
        return self.filter(receipt_token=token, pk__in=allowed_ids)


class Case(models.Model):
    """A submitted e-service: a public document (allmän handling) from the
    moment it is received. Its answers and form version never change."""

    eservice = models.ForeignKey(
        EService, on_delete=models.PROTECT, related_name="cases", verbose_name=_("e-tjänst")
    )
    version = models.ForeignKey(
        EServiceVersion, on_delete=models.PROTECT, related_name="cases", verbose_name=_("version")
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="cases", verbose_name=_("nämnd")
    )
    registration_year = models.PositiveSmallIntegerField()
    registration_sequence = models.PositiveIntegerField()
    registration_number = models.CharField(_("diarienummer"), max_length=50, unique=True)
    received_at = models.DateTimeField(_("inkommet"))
    answers = models.JSONField(_("svar"))
    # Set by the browser when the review page is shown: a replayed or
    # double-clicked Skicka finds the case already made with this key.
    submission_key = models.UUIDField(unique=True)
    receipt_token = models.CharField(max_length=64, unique=True, default=new_receipt_token)
    receipt_pdf = models.FileField(upload_to=receipt_path, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    # When the e-service requires signing: who signed, when, and BankID's
    # signature, OCSP response and completion data, as received.
    signature = models.JSONField(_("underskrift"), null=True, blank=True)
    # The resident has sekretessmarkering or skyddad folkbokföring (from the
    # population register): the case holds no address, and staff must take care.
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "registration_year", "registration_sequence"],
                name="unique_registration_sequence",
            )
        ]

    def __str__(self) -> str:
        return self.registration_number

    @property
    def signed_by(self) -> str:
        return (self.signature or {}).get("name", "")

    @property
    def signed_at(self):
        if not self.signature:
            return None
        return datetime.datetime.fromtimestamp(self.signature["signed_at"], tz=datetime.UTC)


class AttachmentQuerySet(models.QuerySet):
    def pending_for(self, owner: str) -> "AttachmentQuerySet":
        """Uploads of a form being filled in, by its owner token."""
        return self.filter(case__isnull=True, upload_owner=owner)


class Attachment(models.Model):
    """An uploaded file: first pending (owned by the form being filled in),
    then moved to the case when the form is submitted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="attachments", null=True, blank=True
    )
    upload_owner = models.CharField(max_length=64, blank=True, db_index=True)
    question_id = models.CharField(max_length=50)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name

    def as_answer(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.original_name,
            "size": self.size,
            "content_type": self.content_type,
        }
