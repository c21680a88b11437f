"""API clients (one per receiving system: a case-management system, the
e-archive), their tokens and the deliveries they confirmed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etjanst.cases.models import Case
from etjanst.eservices.models import EService
from etjanst.organisation.models import Committee

from .constants import Permission


class ApiClient(models.Model):
    """A receiving system. It sees the cases of its e-services and committees,
    and may do what its permissions say. Its name is what the resident reads
    in "who opened my case"."""

    name = models.CharField(
        _("systemets namn"),
        max_length=100,
        unique=True,
        help_text=_("Visas för invånaren när systemet läser ärendet, t.ex. ”Platina”."),
    )
    eservices = models.ManyToManyField(
        EService, blank=True, related_name="+", verbose_name=_("e-tjänster")
    )
    committees = models.ManyToManyField(
        Committee,
        blank=True,
        related_name="+",
        verbose_name=_("nämnder"),
        help_text=_("Alla e-tjänster som nämnden äger."),
    )
    permissions = models.JSONField(_("behörigheter"), default=list)
    contact_email = models.EmailField(_("kontakt (e-post)"), blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    revoked_at = models.DateTimeField(_("spärrad"), null=True, blank=True)
    required_for = models.ManyToManyField(
        EService,
        blank=True,
        related_name="required_receivers",
        verbose_name=_("gallring väntar på bekräftelse i e-tjänsterna"),
        help_text=_(
            "Ett ärende i de här e-tjänsterna gallras inte förrän systemet har bekräftat "
            "att det har tagit emot ärendet."
        ),
    )

    class Meta:
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    def case_scope(self) -> Q:
        """A filter on cases: those of the client's e-services and committees."""
        return Q(eservice_id__in=self.eservices.values("pk")) | Q(
            committee_id__in=self.committees.values("pk")
        )

    def may_read_eservice(self, eservice: EService) -> bool:
        return (
            self.eservices.filter(pk=eservice.pk).exists()
            or self.committees.filter(pk=eservice.committee_id).exists()
        )

    def get_permissions_display(self) -> str:
        return ", ".join(str(Permission(p).label) for p in self.permissions if p in Permission)


class ApiTokenQuerySet(models.QuerySet):
    def valid(self, at=None) -> "ApiTokenQuerySet":
        """Tokens that may be used now: neither revoked nor expired, of a
        client that is not revoked."""
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, client__revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class ApiToken(models.Model):
    """A bearer token of a client. Only a prefix (for the lookup) and a hash
    are kept: the token itself is shown once, when it is made."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("klient")
    )
    prefix = models.CharField(_("nyckelns början"), max_length=16, unique=True)
    hash = models.CharField(_("kontrollsumma"), max_length=64)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    expires_at = models.DateTimeField(
        _("giltig till"), null=True, blank=True, help_text=_("Tomt: tills den spärras.")
    )
    revoked_at = models.DateTimeField(_("spärrad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        return (
            self.revoked_at is None
            and self.client.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
        )


class Delivery(models.Model):
    """A receiving system confirmed that it has the case, under its own id
    (its diarienummer or record id). One per case and system. Where the
    subscription says so, a 2xx answer to the case's webhook counts too
    (method "webhook", the webhook-id as the id until the system confirms)."""

    class Method(models.TextChoices):
        API = "api", _("Bekräftad via API:et")
        WEBHOOK = "webhook", _("Webhook besvarad med 2xx")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("ärende")
    )
    client = models.ForeignKey(
        ApiClient, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("klient")
    )
    external_id = models.CharField(_("id i mottagande system"), max_length=200)
    confirmed_at = models.DateTimeField(_("bekräftad"), default=timezone.now)
    method = models.CharField(_("hur"), max_length=10, choices=Method.choices, default=Method.API)

    class Meta:
        verbose_name = _("leverans")
        verbose_name_plural = _("leveranser")
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "client"], name="one_delivery_per_receiver")
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.client}: {self.external_id}"


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    import base64
    import secrets

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class WebhookEndpoint(models.Model):
    """Where a client wants to be told about its cases: a thin CloudEvent,
    signed as Standard Webhooks says, for each event of its cases."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="endpoints", verbose_name=_("klient")
    )
    url = models.URLField(_("adress"), max_length=500)
    secret = models.CharField(
        _("hemlighet för signaturen"), max_length=100, default=new_webhook_secret
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    disabled_at = models.DateTimeField(_("avstängd"), null=True, blank=True)
    disabled_reason = models.CharField(_("varför avstängd"), max_length=200, blank=True)
    event_types = models.JSONField(
        _("händelser"), default=list, blank=True, help_text=_("Tomt: alla händelser.")
    )
    delivered_on_2xx = models.BooleanField(
        _("2xx räknas som levererat"),
        default=False,
        help_text=_(
            "Ett ärende räknas som levererat när systemet svarar 2xx på händelsen "
            "om nytt ärende, utan att bekräfta det via API:et."
        ),
    )
    previous_secret = models.CharField(
        _("föregående hemlighet"), max_length=100, blank=True, editable=False
    )
    previous_secret_until = models.DateTimeField(
        _("föregående hemlighet gäller till"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("webhook-adress")
        verbose_name_plural = _("webhook-adresser")

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types

    def secrets(self, at=None) -> list[str]:
        """The secrets to sign with: during a rotation also the previous one,
        so the receiver may switch when it likes (Standard Webhooks allows
        several signatures)."""
        at = at or timezone.now()
        if self.previous_secret and self.previous_secret_until and self.previous_secret_until > at:
            return [self.secret, self.previous_secret]
        return [self.secret]


class OutboxMessage(models.Model):
    """One event for one endpoint, written in the same transaction as the
    change it tells about; sent (and retried) from here by the worker."""

    class State(models.TextChoices):
        PENDING = "pending", _("Väntar")
        DELIVERED = "delivered", _("Levererad")
        FAILED = "failed", _("Misslyckad")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="outbox",
        verbose_name=_("webhook-adress"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("ärende")
    )
    event_type = models.CharField(_("händelsetyp"), max_length=50)
    payload = models.JSONField(_("innehåll"))
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(_("nästa försök"), default=timezone.now)
    delivered_at = models.DateTimeField(_("levererad"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("senaste svarskod"), null=True, blank=True)
    last_error = models.CharField(_("senaste fel"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("utgående händelse")
        verbose_name_plural = _("utgående händelser")
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="outbox_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.event_type}"

    @property
    def webhook_id(self) -> str:
        return f"msg_{self.pk}"


class WebhookAttempt(models.Model):
    """Every try to deliver a message, with what came back."""

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="tries", verbose_name=_("meddelande")
    )
    at = models.DateTimeField(_("tid"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("svarskod"), null=True, blank=True)
    error = models.CharField(_("fel"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("tid (ms)"), default=0)

    class Meta:
        verbose_name = _("leveransförsök")
        verbose_name_plural = _("leveransförsök")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"
