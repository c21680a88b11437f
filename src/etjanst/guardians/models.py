"""The other guardians' signatures of a case about a child. The first
guardian's signature is the case's own (`Case.signature`); each other
guardian the register names gets a row here, and the case waits
(`Case.awaiting_signatures`) until every row is signed, or one is rejected
or runs out of time."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from etjanst.cases.models import Case


class SignatureState(models.TextChoices):
    WAITING = "waiting", _("Väntar på underskrift")
    SIGNED = "signed", _("Underskriven")
    REJECTED = "rejected", _("Inte underskriven: vårdnadshavaren sa nej")
    EXPIRED = "expired", _("Inte underskriven: tiden gick ut")


class GuardianSignatureQuerySet(models.QuerySet):
    def for_person(self, personnummer: str) -> "GuardianSignatureQuerySet":
        """The requests addressed to this person: the only ones they may open."""
        if not personnummer:
            return self.none()
        return self.filter(personnummer=personnummer)

    def waiting(self) -> "GuardianSignatureQuerySet":
        return self.filter(state=SignatureState.WAITING)


class GuardianSignature(models.Model):
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="guardian_signatures",
        verbose_name=_("ärende"),
    )
    # Exactly the guardian the population register named: only they can sign.
    personnummer = models.CharField(_("personnummer"), max_length=12, db_index=True)
    name = models.CharField(_("namn"), max_length=300)
    email = models.EmailField(_("e-postadress"), blank=True)
    state = models.CharField(
        _("läge"), max_length=20, choices=SignatureState.choices, default=SignatureState.WAITING
    )
    deadline = models.DateTimeField(_("sista dag att skriva under"))
    decided_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    # BankID's signature, OCSP response and completion data, as received.
    signature = models.JSONField(_("underskrift"), null=True, blank=True)
    message = models.TextField(_("meddelande från vårdnadshavaren"), blank=True)
    reminded_at = models.DateTimeField(_("påminnelse skickad"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    objects = GuardianSignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("underskrift av vårdnadshavare")
        verbose_name_plural = _("underskrifter av vårdnadshavare")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "personnummer"], name="unique_guardian_signature"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.name}"
