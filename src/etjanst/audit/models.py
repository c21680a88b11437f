"""The access log: every time staff open a case, one of its files or an
export of it. Append-only and tamper-evident: each entry carries the hash of
the one before, so an edited or deleted entry breaks the chain (checked by
`manage.py verify_access_log`). The resident sees the entries about their
cases under Mina sidor."""

import hashlib
import json

from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64
# The role of an entry written for a receiving system (an API client, whose
# id is then in user_id), not a person.
SYSTEM_ROLE = "system"


class AccessKind(models.TextChoices):
    VIEW = "view", _("öppnade ärendet")
    FILE = "file", _("öppnade en bilaga")
    EXPORT = "export", _("exporterade ärendet")


class AccessLogEntry(models.Model):
    # No foreign keys: the log outlives users and purged cases.
    at = models.DateTimeField(_("tid"))
    user_id = models.BigIntegerField(_("användar-id"))
    user_name = models.CharField(_("namn"), max_length=300)
    role = models.CharField(_("roll"), max_length=30)
    case_id = models.BigIntegerField(_("ärende-id"), db_index=True)
    registration_number = models.CharField(_("diarienummer"), max_length=50)
    kind = models.CharField(_("åtkomst"), max_length=10, choices=AccessKind.choices)
    detail = models.CharField(_("detalj"), max_length=200, blank=True)
    previous_hash = models.CharField(max_length=64, verbose_name=_("föregående kontrollsumma"))
    hash = models.CharField(max_length=64, unique=True, verbose_name=_("kontrollsumma"))

    class Meta:
        verbose_name = _("åtkomst")
        verbose_name_plural = _("åtkomstlogg")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.registration_number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The access log is append-only.")

    def get_role_display(self) -> str:
        from etjanst.people.models import Role

        if self.role == SYSTEM_ROLE:
            return str(_("it-system"))
        return str(dict(Role.choices).get(self.role, self.role))

    def content(self) -> dict:
        return {
            "at": self.at.isoformat(),
            "user_id": self.user_id,
            "user_name": self.user_name,
            "role": self.role,
            "case_id": self.case_id,
            "registration_number": self.registration_number,
            "kind": self.kind,
            "detail": self.detail,
        }

    def compute_hash(self) -> str:
        canonical = json.dumps(
            {"previous": self.previous_hash, **self.content()},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
