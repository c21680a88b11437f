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
