"""Which e-mails have been sent, by a key naming the effect ("this notice,
about this case, to this officer"), so that a task run again — after a
kill -9, a rescue of a stranded task, or a retry after the second of three
recipients failed — sends each e-mail once. The key never holds an address
or a personnummer: `emails.effect_key` hashes what identifies a person."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SentEmail(models.Model):
    key = models.CharField(_("nyckel"), max_length=200, unique=True)
    sent_at = models.DateTimeField(_("skickat"))

    class Meta:
        verbose_name = _("skickat e-postmeddelande")
        verbose_name_plural = _("skickade e-postmeddelanden")

    def __str__(self) -> str:
        return self.key
