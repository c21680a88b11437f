"""Navet as a prefill source, configured by settings.NAVET."""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from etjanst.eid import personnummer as pnr
from etjanst.prefill.base import (
    Guardian,
    PersonRecord,
    PrefillSource,
    PrefillUnavailable,
    Relative,
)
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
            record = client.person(personnummer)
            if not record.children:
                return record
            # Each child is asked about too (address, municipality,
            # protection, guardians), and each other guardian (protection and
            # address, to know whether they live with the child).
            known: dict[str, PersonRecord] = {personnummer: record}
            children = []
            for child in record.children:
                if not is_minor(child.personnummer):
                    continue  # custody ends at 18, whatever the answer says
                detailed = _with_details(client, child, known, asking=personnummer)
                if detailed is not None:
                    children.append(detailed)
            return replace(record, children=tuple(children))
        finally:
            client.close()


def is_minor(personnummer: str) -> bool:
    return pnr.age(personnummer) < 18  # custody ends at 18


def _with_details(
    client: NavetClient, child: Relative, known: dict, *, asking: str
) -> Relative | None:
    """The child with what its own record says, or None when that record does
    not name the person asking as a guardian (the two answers disagree: the
    child is not offered)."""
    own = client.person(child.personnummer)
    if asking not in {g.personnummer for g in own.guardians}:
        return None
    guardians = []
    for named in own.guardians:
        if named.personnummer not in known:
            known[named.personnummer] = client.person(named.personnummer)
        guardian = known[named.personnummer]
        guardians.append(
            Guardian(
                personnummer=guardian.personnummer,
                given_name=guardian.given_name,
                surname=guardian.surname,
                protected=guardian.protected,
                address=guardian.address,
            )
        )
    return replace(
        child,
        address=own.address,
        municipality=own.municipality,
        protected=own.protected,
        guardians=tuple(guardians),
        details=True,
    )
