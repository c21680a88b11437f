"""Reads for the public register: only what may be shown to anyone."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SecrecyMarking

PAGE_SIZE = 50
# A personnummer or samordningsnummer written anywhere in a free text.
_PERSONNUMMER = re.compile(r"\b(\d{2})?\d{6}[-+ ]?\d{4}\b")


@dataclass(frozen=True)
class RegisterFilters:
    registration_number: str = ""
    date_from: date | None = None
    date_to: date | None = None
    committee_id: int | None = None
    eservice_id: int | None = None


@dataclass(frozen=True)
class RegisterEntry:
    """One line of the public register, as it may be shown."""

    registration_number: str
    received_at: datetime
    committee: str
    eservice: str
    description: str  # empty when secret or purged
    sender: str  # "Privatperson" or an organisation; empty when secret, unknown or purged
    secret: bool
    purged: bool


def register_cases(filters: RegisterFilters):
    """The registered cases, newest first, with only the columns the public
    register needs (never the answers or a personnummer)."""
    from etjanst.cases.models import Case

    cases = (
        Case.objects.annotate(
            secret=Exists(SecrecyMarking.objects.filter(case=OuterRef("pk"))),
            # Whether a person sent it (a login or a personnummer), without
            # reading who: the register never selects the personnummer.
            sent_by_person=ExpressionWrapper(
                Q(owner__isnull=False) | ~Q(sender_personnummer=""), output_field=BooleanField()
            ),
        )
        .select_related("committee", "eservice")
        .only(
            "registration_number",
            "received_at",
            "description",
            "sender_name",
            "protected_identity",
            "purged_at",
            "committee__name",
            "eservice__name",
            "eservice__senders_are_organisations",
        )
        .order_by("-received_at", "-pk")
    )
    if filters.registration_number:
        cases = cases.filter(registration_number__icontains=filters.registration_number)
    if filters.date_from:
        cases = cases.filter(received_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        cases = cases.filter(received_at__lt=_start_of(filters.date_to + timedelta(days=1)))
    if filters.committee_id:
        cases = cases.filter(committee_id=filters.committee_id)
    if filters.eservice_id:
        cases = cases.filter(eservice_id=filters.eservice_id)
    return cases


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def public_sender(case) -> str:
    """The sender as the web register shows it. The register records who sent
    a case (OSL 5 kap. 2 §) and staff see the name, but publishing private
    persons' names on the open web is a processing of personal data of its
    own: a private person shows as "Privatperson". Only an e-service whose
    senders are organisations shows the name, and then only when no person
    logged in or gave a personnummer."""
    if not case.sender_name:
        return ""
    if case.eservice.senders_are_organisations and not getattr(case, "sent_by_person", True):
        return scrub(case.sender_name)
    return _("Privatperson")


def public_entry(case) -> RegisterEntry:
    """What the register shows of a case: a secret case (any secrecy
    marking, or a protected identity) and a purged one show neither sender
    nor description; a personnummer never shows; a private person shows as
    "Privatperson" (public_sender)."""
    hidden = bool(getattr(case, "secret", True)) or case.protected_identity
    purged = case.purged_at is not None
    shown = not (hidden or purged)
    return RegisterEntry(
        registration_number=case.registration_number,
        received_at=case.received_at,
        committee=case.committee.name,
        eservice=case.eservice.name,
        description=scrub(case.description) if shown else "",
        sender=public_sender(case) if shown else "",
        secret=hidden,
        purged=purged,
    )


_REGISTRATION_NUMBER = re.compile(r"\b([A-ZÅÄÖ]{1,10})\s*(\d{4})\s*/\s*(\d{1,6})\b")


def named_cases(text: str) -> Q:
    """A filter on cases for the registration numbers written in a text
    ("KS 2026/0042", "KS 2026/42"), at most ten."""
    found = Q(pk__in=[])
    for prefix, year, number in _REGISTRATION_NUMBER.findall(text or "")[:10]:
        found |= Q(
            committee__prefix=prefix, registration_year=int(year), registration_sequence=int(number)
        )
    return found


def scrub(text: str) -> str:
    """Free text with any personnummer taken out."""
    return _PERSONNUMMER.sub("[…]", text or "")
