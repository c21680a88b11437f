"""Navet as a prefill source, configured by settings.NAVET."""

from django.utils.translation import gettext_lazy as _

from etjanst.eid import personnummer as pnr
from etjanst.prefill.base import PersonRecord, PrefillSource, PrefillUnavailable
from etjanst.prefill.registry import prefill_sources

from .client import NavetClient


@prefill_sources.register("navet")
class Navet(PrefillSource):
    name = _("Folkbokföringen (Skatteverkets Navet)")
    attributes = {
        "name": ("short_text", "contact"),
        "given_name": ("short_text",),
        "surname": ("short_text",),
        "personnummer": ("personnummer",),
        "address": ("address",),
        "children": ("personnummer",),
    }

    def fetch(self, personnummer: str) -> PersonRecord:
        if not pnr.is_valid(personnummer or "", allow_samordningsnummer=True):
            # Navet knows people by personnummer or samordningsnummer only.
            raise PrefillUnavailable("not a personnummer")
        client = NavetClient.from_settings()
        try:
            return client.person(personnummer)
        finally:
            client.close()
