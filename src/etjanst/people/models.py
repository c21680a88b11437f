"""The resident as a stored owner: what drafts, cases and messages under
Mina sidor belong to. Made the first time it is needed (a saved draft, a
case sent while logged in), never for a mere login."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResidentQuerySet(models.QuerySet):
    def for_person(self, person) -> "ResidentQuerySet":
        """The stored resident behind a logged-in e-ID person (or none)."""
        if person is None:
            return self.none()
        if person.personnummer:
            return self.filter(personnummer=person.personnummer)
        foreign_id = getattr(person, "foreign_id", "")
        return self.filter(foreign_id=foreign_id) if foreign_id else self.none()


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
    created_at = models.DateTimeField(auto_now_add=True)

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
