import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etjanst.eservices.models import EService, EServiceVersion
from etjanst.organisation.models import Committee
from etjanst.people.models import Resident


def new_receipt_token() -> str:
    return secrets.token_urlsafe(32)


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Never the submitted file name: a generated one, no extension.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def receipt_path(instance: "Case", filename: str) -> str:
    return f"receipts/{instance.received_at:%Y/%m}/{uuid.uuid4().hex}.pdf"


class StatusKind(models.TextChoices):
    SUBMITTED = "submitted", _("Inkommet")
    IN_PROGRESS = "in_progress", _("Under handläggning")
    WAITING = "waiting", _("Väntar på invånaren")
    CLOSED = "closed", _("Avslutat")


class StatusQuerySet(models.QuerySet):
    def for_eservice(self, eservice: EService) -> "StatusQuerySet":
        """The e-service's own statuses, or the platform's defaults when it
        has none."""
        own = self.filter(eservice=eservice)
        return own if own.exists() else self.filter(eservice__isnull=True)


class Status(models.Model):
    """A step in a case's life, defined per e-service (or the defaults, with
    no e-service). Which status may follow which is data: `next_statuses`."""

    eservice = models.ForeignKey(
        EService,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statuses",
        verbose_name=_("e-tjänst"),
        help_text=_("Tomt: standardstatus för e-tjänster utan egna."),
    )
    code = models.SlugField(_("kod"), max_length=50)
    name = models.CharField(_("namn för handläggare"), max_length=100)
    resident_name = models.CharField(_("namn för invånaren"), max_length=100)
    kind = models.CharField(_("slag"), max_length=20, choices=StatusKind.choices)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    next_statuses = models.ManyToManyField(
        "self", symmetrical=False, blank=True, verbose_name=_("kan följas av")
    )

    objects = StatusQuerySet.as_manager()

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statusar")
        ordering = ["eservice_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["eservice", "code"], name="unique_status_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(eservice__isnull=True),
                name="unique_default_status",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.kind == StatusKind.CLOSED


class CaseQuerySet(models.QuerySet):
    def owned_by(self, resident: Resident | None) -> "CaseQuerySet":
        """The cases a resident sent while logged in: what Mina sidor shows.
        (Anonymous cases have no owner and never appear.)"""
        if resident is None:
            return self.none()
        if not resident.personnummer:
            return self.filter(owner=resident)
        # Also the cases they are a party to (the other guardian of a child).
        parties = CaseParty.objects.filter(personnummer=resident.personnummer)
        return self.filter(models.Q(owner=resident) | models.Q(pk__in=parties.values("case_id")))

    def visible_to_staff(self, user) -> "CaseQuerySet":
        """The cases a staff user may open, by their roles (people.access)."""
        from etjanst.people.access import case_scope

        scope = case_scope(user)
        return self if scope is None else self.filter(scope)

    def ongoing(self) -> "CaseQuerySet":
        return self.exclude(status__kind=StatusKind.CLOSED)

    def closed(self) -> "CaseQuerySet":
        return self.filter(status__kind=StatusKind.CLOSED)

    def new_unassigned(self) -> "CaseQuerySet":
        """Just received, and nobody has taken them yet (the staff's "Nya").
        A case that waits for another guardian's signature is not yet new."""
        return self.filter(
            status__kind=StatusKind.SUBMITTED, assigned_to__isnull=True, awaiting_signatures=False
        )

    def awaiting_signatures(self) -> "CaseQuerySet":
        """Sent by one guardian, waiting for the other's signature."""
        return self.filter(awaiting_signatures=True)

    def with_unread_for_resident(self) -> "CaseQuerySet":
        """`unread`: messages from staff the resident has not read. A
        subquery per case, not a join + GROUP BY: PostgreSQL then counts only
        for the rows shown (after ORDER BY/LIMIT) through the index on
        case_id, and the paginator's COUNT needs no join at all. The join made
        the list cost grow with the whole message table (a hash join over
        every message; B3 in docs/benchmarks.md)."""
        unread = (
            Message.objects.filter(
                case=models.OuterRef("pk"), from_staff=True, read_at__isnull=True
            )
            .order_by()
            .values("case")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(
            unread=Coalesce(models.Subquery(unread, output_field=models.IntegerField()), 0)
        )

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
    registration_year = models.PositiveSmallIntegerField(verbose_name=_("diarieår"))
    registration_sequence = models.PositiveIntegerField(verbose_name=_("löpnummer"))
    registration_number = models.CharField(_("diarienummer"), max_length=50, unique=True)
    received_at = models.DateTimeField(_("inkommet"))
    answers = models.JSONField(_("svar"))
    # Set by the browser when the review page is shown: a replayed or
    # double-clicked Skicka finds the case already made with this key.
    submission_key = models.UUIDField(unique=True, verbose_name=_("inskickningsnyckel"))
    receipt_token = models.CharField(
        max_length=64, unique=True, default=new_receipt_token, verbose_name=_("kvittonyckel")
    )
    receipt_pdf = models.FileField(
        upload_to=receipt_path, blank=True, verbose_name=_("kvitto (PDF)")
    )
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("bekräftelse skickad")
    )
    # When the e-service requires signing: who signed, when, and BankID's
    # signature, OCSP response and completion data, as received.
    signature = models.JSONField(_("underskrift"), null=True, blank=True)
    # Who sent it while logged in: the case shows under their Mina sidor.
    # None for cases sent without login (and, later, anonymous ones).
    owner = models.ForeignKey(
        Resident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("ägare"),
    )
    status = models.ForeignKey(
        Status, on_delete=models.PROTECT, related_name="cases", verbose_name=_("status")
    )
    status_changed_at = models.DateTimeField(_("status ändrad"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("handläggare"),
    )
    # Who sent it, as far as the platform knows (the login, or the answers):
    # for staff search and the register. Empty when unknown.
    sender_name = models.CharField(_("avsändare"), max_length=300, blank=True)
    sender_personnummer = models.CharField(
        max_length=12, blank=True, db_index=True, verbose_name=_("avsändarens personnummer")
    )
    # A legal hold (e.g. during a request for the document or an appeal)
    # stops the purge. A purged case keeps only what the register shows.
    legal_hold = models.BooleanField(_("spärrad för gallring"), default=False)
    legal_hold_reason = models.CharField(_("skäl för spärren"), max_length=300, blank=True)
    purged_at = models.DateTimeField(_("gallrat"), null=True, blank=True)
    # Sent anonymously: no owner, no sender, no personal questions, file
    # names replaced. The receipt says it cannot be followed.
    is_anonymous = models.BooleanField(_("anonymt"), default=False)
    # Raised by every change staff make: two officers changing the same case
    # at once — the second is told, nothing is lost.
    lock_version = models.PositiveIntegerField(default=0, verbose_name=_("ändringsnummer"))
    # The resident has sekretessmarkering or skyddad folkbokföring (from the
    # population register): the case holds no address, and staff must take care.
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    # The short description in the register (diarium): the e-service's name
    # and the answer of the form's `diarium_title` question, if any.
    description = models.CharField(_("beskrivning"), max_length=300, blank=True)
    # Sent by one guardian of a child, waiting for the other guardian's
    # signature (etjanst.guardians): not yet handed to staff as complete.
    awaiting_signatures = models.BooleanField(
        _("väntar på underskrift från vårdnadshavare"), default=False
    )

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
        indexes = [
            models.Index(fields=["owner", "-received_at"], name="case_owner_received"),
            models.Index(fields=["-received_at"], name="case_received"),
            # The purge's batches, in id order, past the tombstones.
            models.Index(
                fields=["id"],
                condition=models.Q(purged_at__isnull=True, legal_hold=False),
                name="case_not_purged",
            ),
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


class CaseEvent(models.Model):
    """A line in a case's history. Those marked for the resident make the
    status history under Mina sidor."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Inkommet")
        STATUS = "status", _("Ny status")
        MESSAGE_FROM_RESIDENT = "message_resident", _("Meddelande från invånaren")
        MESSAGE_FROM_STAFF = "message_staff", _("Meddelande till invånaren")
        ASSIGNED = "assigned", _("Tilldelat")
        LEGAL_HOLD = "legal_hold", _("Spärrat för gallring")
        LEGAL_HOLD_LIFTED = "legal_hold_lifted", _("Spärren för gallring hävd")
        NOTE = "note", _("Intern anteckning")
        EXPORTED = "exported", _("Exporterat")
        PURGED = "purged", _("Gallrat")
        GUARDIANS_SIGNED = "guardians_signed", _("Underskrivet av alla vårdnadshavare")
        GUARDIAN_REJECTED = "guardian_rejected", _("En vårdnadshavare skrev inte under")
        GUARDIAN_DEADLINE = "guardian_deadline", _("Tiden för vårdnadshavarens underskrift gick ut")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("ärende")
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, verbose_name=_("slag"))
    status = models.ForeignKey(Status, on_delete=models.PROTECT, null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, verbose_name=_("tid"))
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("personal"),
    )
    # Who did it when no staff member did: an API client's name, or the
    # operator of a command ("admin (manage.py export_archive)").
    system_name = models.CharField(_("utfört av systemet"), max_length=300, blank=True)
    visible_to_resident = models.BooleanField(default=True, verbose_name=_("syns för invånaren"))

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class CaseParty(models.Model):
    """Someone besides the owner the case is about and who follows it under
    Mina sidor: the other guardian of a child (etjanst.guardians). Known by
    personnummer, so they see it the first time they log in."""

    class Role(models.TextChoices):
        GUARDIAN = "guardian", _("Vårdnadshavare")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("ärende")
    )
    personnummer = models.CharField(_("personnummer"), max_length=12, db_index=True)
    name = models.CharField(_("namn"), max_length=300)
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.GUARDIAN)
    # Where they are told about messages, when known.
    email = models.EmailField(_("e-postadress"), blank=True)
    added_at = models.DateTimeField(_("tillagd"), default=timezone.now)

    class Meta:
        verbose_name = _("part i ärendet")
        verbose_name_plural = _("parter i ärendet")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "personnummer"], name="unique_case_party")
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.name}"


class Message(models.Model):
    """One message in the two-way thread of a case. `read_at` is when the
    other side first read it."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ärende")
    )
    from_staff = models.BooleanField(verbose_name=_("från personal"))
    staff_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("personal"),
    )
    # A resident's message written by a party to the case (the other
    # guardian) rather than its owner; empty for the owner's and staff's.
    from_party = models.ForeignKey(
        "CaseParty",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skrivet av part i ärendet"),
    )
    body = models.TextField(_("meddelande"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("skickat"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("läst"))
    # When the resident was told by e-mail that a message from staff waits.
    notified_at = models.DateTimeField(null=True, blank=True, verbose_name=_("avisering skickad"))
    # Sent with the form: a double click or a replayed POST finds the
    # message already written with this key.
    client_key = models.UUIDField(unique=True, verbose_name=_("klientnyckel"))

    class Meta:
        verbose_name = _("meddelande")
        verbose_name_plural = _("meddelanden")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d %H:%M}"


class CaseNote(models.Model):
    """An internal note by staff. Never shown to the resident."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("ärende")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("skriven av"),
    )
    body = models.TextField(_("anteckning"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("skriven"))

    class Meta:
        verbose_name = _("intern anteckning")
        verbose_name_plural = _("interna anteckningar")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.created_at:%Y-%m-%d %H:%M}"


class AttachmentQuerySet(models.QuerySet):
    def pending_for(self, owner: str) -> "AttachmentQuerySet":
        """Uploads of a form being filled in, by its owner token."""
        return self.filter(case__isnull=True, upload_owner=owner)


class Attachment(models.Model):
    """An uploaded file: first pending (owned by the form being filled in),
    then moved to the case when the form is submitted."""

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id-nummer")
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.CASCADE,
        related_name="attachments",
        null=True,
        blank=True,
        verbose_name=_("ärende"),
    )
    upload_owner = models.CharField(
        max_length=64, blank=True, db_index=True, verbose_name=_("uppladdningsägare")
    )
    # A file of a saved draft is kept with it (not purged as abandoned).
    draft = models.ForeignKey(
        "submissions.Draft",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("utkast"),
    )
    # A file sent with a message (then question_id is empty).
    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("meddelande"),
    )
    question_id = models.CharField(max_length=50, blank=True, verbose_name=_("fråga"))
    file = models.FileField(upload_to=attachment_path, verbose_name=_("fil"))
    original_name = models.CharField(_("filnamn"), max_length=255)
    content_type = models.CharField(max_length=200, verbose_name=_("filtyp"))
    size = models.PositiveBigIntegerField(verbose_name=_("storlek"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uppladdad"))

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
