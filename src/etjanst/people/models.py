"""The resident as a stored owner: what drafts, cases and messages under
Mina sidor belong to. Made the first time it is needed (a saved draft, a
case sent while logged in), never for a mere login."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidentQuerySet(models.QuerySet):
    def for_person(self, person) -> "ResidentQuerySet":
        """The stored resident behind a logged-in e-ID person (or none)."""
        if person is None:
            return self.none()
        if person.personnummer:
            return self.filter(personnummer=person.personnummer)
        # A foreign e-ID without a Swedish number: its person identifier (eIDAS prid).
        identifier = getattr(person, "identifier", "")
        return self.filter(foreign_id=identifier) if identifier else self.none()


class Resident(models.Model):
    # 12 digits. A person with a foreign e-ID and no Swedish number has a
    # foreign_id (the eIDAS person identifier) instead.
    personnummer = models.CharField(
        _("personnummer"), max_length=12, unique=True, null=True, blank=True
    )
    foreign_id = models.CharField(
        _("utländsk identitet"), max_length=255, unique=True, null=True, blank=True
    )
    given_name = models.CharField(_("förnamn"), max_length=200, blank=True)
    surname = models.CharField(_("efternamn"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sparad sedan"))

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("invånare")
        verbose_name_plural = _("invånare")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(personnummer__isnull=False) | models.Q(foreign_id__isnull=False),
                name="resident_has_identity",
            )
        ]

    def __str__(self) -> str:
        return self.masked_personnummer or _("Utländsk e-legitimation")

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.surname}".strip()

    @property
    def masked_personnummer(self) -> str:
        return f"{self.personnummer[:8]}-XXXX" if self.personnummer else ""


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administratör")
    ESERVICE_MANAGER = "eservice_manager", _("E-tjänsteförvaltare")
    CASE_OFFICER = "case_officer", _("Handläggare")
    REGISTRAR = "registrar", _("Registrator")


# Roles that may open cases, and those that may also change them.
READS_CASES = {Role.ADMINISTRATOR, Role.CASE_OFFICER, Role.REGISTRAR}
HANDLES_CASES = {Role.ADMINISTRATOR, Role.CASE_OFFICER}


class StaffAccess(models.Model):
    """One role of a staff user, for one committee (nämnd), one e-service, or
    — for an administrator without either — everything."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_access",
        verbose_name=_("användare"),
    )
    role = models.CharField(_("roll"), max_length=30, choices=Role.choices)
    committee = models.ForeignKey(
        "organisation.Committee",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("nämnd"),
    )
    eservice = models.ForeignKey(
        "eservices.EService",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name=_("e-tjänst"),
    )
    notify_new_cases = models.BooleanField(
        _("e-post om nya ärenden"),
        default=False,
        help_text=_("Få ett e-postmeddelande när ett nytt ärende kommer in (utan innehåll)."),
    )

    class Meta:
        verbose_name = _("behörighet")
        verbose_name_plural = _("behörigheter")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="administrator")
                | models.Q(committee__isnull=False)
                | models.Q(eservice__isnull=False),
                name="staff_access_has_scope",
            )
        ]

    def __str__(self) -> str:
        scope = self.eservice or self.committee or _("allt")
        return f"{self.get_role_display()}: {scope}"


class StaffLogin(models.Model):
    """The audit of staff logins: every attempt, successful or not. Also what
    the lockout counts."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Inloggad")
        BAD_PASSWORD = "bad_password", _("Fel lösenord")
        BAD_CODE = "bad_code", _("Fel engångskod")
        LOCKED = "locked", _("Spärrad (kontot från adressen)")
        ADDRESS_LOCKED = "address_locked", _("Spärrad (adressen)")
        ENROLLED = "enrolled", _("Engångskoder aktiverade")

    username = models.CharField(_("användarnamn"), max_length=150, db_index=True)
    at = models.DateTimeField(_("tid"), auto_now_add=True, db_index=True)
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices)
    ip_address = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)

    class Meta:
        verbose_name = _("inloggning")
        verbose_name_plural = _("inloggningar (personal)")
        ordering = ["-at"]
        indexes = [models.Index(fields=["ip_address", "at"], name="stafflogin_address_at")]

    def __str__(self) -> str:
        return f"{self.username} {self.get_outcome_display()}"


def extract_path(instance: "DataExtract", filename: str) -> str:
    return f"extracts/{instance.pk}/{filename}"


class DataExtract(models.Model):
    """A register extract (GDPR article 15) the resident asked for under Mina
    uppgifter: made by a background task, downloadable only by them after
    login, never e-mailed, deleted after a week."""

    class State(models.TextChoices):
        PENDING = "pending", _("Görs i ordning")
        READY = "ready", _("Klart")
        FAILED = "failed", _("Misslyckades")

    id = models.UUIDField(
        primary_key=True, default=uuid.uuid4, editable=False, verbose_name=_("id-nummer")
    )
    owner = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="extracts", verbose_name=_("invånare")
    )
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("begärt"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, verbose_name=_("läge")
    )
    json_file = models.FileField(upload_to=extract_path, blank=True, verbose_name=_("JSON-fil"))
    pdf_file = models.FileField(upload_to=extract_path, blank=True, verbose_name=_("PDF-fil"))

    class Meta:
        verbose_name = _("registerutdrag")
        verbose_name_plural = _("registerutdrag")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M}"
