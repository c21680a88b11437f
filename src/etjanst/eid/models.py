from django.db import models
from django.utils.translation import gettext_lazy as _


class UsedAssertion(models.Model):
    """A SAML assertion ID already used to log in. The unique constraint
    refuses a replay in every web process at once; rows are useless (and
    removed) once the assertion has expired."""

    issuer = models.CharField(max_length=1024, verbose_name=_("utfärdare"))
    assertion_id = models.CharField(max_length=256, verbose_name=_("intygets id"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("giltigt till"))

    class Meta:
        verbose_name = _("använd SAML-intygelse")
        verbose_name_plural = _("använda SAML-intygelser")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "assertion_id"], name="unique_used_assertion")
        ]

    def __str__(self) -> str:
        return self.assertion_id


class BankIDOrder(models.Model):
    """A BankID order's last known state, shared by every web process.

    The browser's poll reads this row (cheap); collecting from BankID happens
    elsewhere, at BankID's pace (`manage.py collect_bankid`, or a poll that
    finds the order overdue). `due_at` is both the pace and the lease: an
    order is collected only by whoever moves `due_at` from the past into the
    future with one conditional UPDATE, so no order is collected twice at
    once, in any number of processes, on PostgreSQL as on SQLite.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        COMPLETE = "complete"
        FAILED = "failed"  # BankID says failed; hint_code says why
        ERROR = "error"  # the collect call failed; hint_code is BankID's errorCode

    order_ref = models.CharField(_("order-referens"), max_length=64, unique=True)
    # The waiting page's poll names the order by this random key, never by
    # the session: a poll that finds the order pending touches no session.
    # It only reads a status; finishing the login needs the session that
    # started the order.
    poll_key = models.CharField(_("pollnyckel"), max_length=64, unique=True)
    same_device = models.BooleanField(_("samma enhet"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    hint_code = models.CharField(_("hintkod"), max_length=64, blank=True)
    # Personal data (the BankID completionData): kept only until the session
    # that started the order takes it, and pruned after minutes at most.
    completion = models.JSONField(_("resultat"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapad"), db_index=True)
    collected_at = models.DateTimeField(_("senast hämtad"), null=True, blank=True)
    due_at = models.DateTimeField(_("nästa hämtning"))
    lease_token = models.CharField(_("lånenyckel"), max_length=32, blank=True)
    # The animated QR code of a pending QR-code order, so that the waiting
    # page's poll can hand the browser the next seconds' QR contents without
    # the session (BankID: the secret itself never leaves the server). The
    # secret is kept as the session kept it, and blanked when the order ends.
    qr_start_token = models.CharField(_("QR-starttoken"), max_length=64, blank=True)
    qr_start_secret = models.CharField(_("QR-starthemlighet"), max_length=64, blank=True)
    started_at = models.FloatField(_("startad (sekunder sedan 1970)"), null=True, blank=True)

    class Meta:
        verbose_name = _("BankID-order")
        verbose_name_plural = _("BankID-ordrar")
        indexes = [
            # The collector's question: which pending orders are due?
            models.Index(
                fields=["due_at"],
                name="bankid_order_pending_due",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return self.order_ref
