"""Writing to and checking the access log."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from .models import GENESIS, SYSTEM_ROLE, AccessKind, AccessLogEntry

# Serialises appends on PostgreSQL so that the chain never forks (SQLite
# serialises writes by itself).
_CHAIN_LOCK = 0x45544A41  # "ETJA"


def record_access(*, user, role: str, case, kind: AccessKind, detail: str = "") -> AccessLogEntry:
    """Append one entry: who, when, which case, in which role, what."""
    return _append(
        actor_id=user.pk,
        actor_name=user.get_full_name() or user.get_username(),
        role=role,
        case=case,
        kind=kind,
        detail=detail,
    )


def record_system_access(
    *, system_id: int, system_name: str, case, kind: AccessKind, detail: str = ""
) -> AccessLogEntry:
    """Append one entry for a receiving system (an API client) that read the
    case: the resident sees the system's name."""
    return _append(
        actor_id=system_id,
        actor_name=system_name,
        role=SYSTEM_ROLE,
        case=case,
        kind=kind,
        detail=detail,
    )


@transaction.atomic
def _append(*, actor_id, actor_name, role, case, kind, detail) -> AccessLogEntry:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    last = AccessLogEntry.objects.order_by("-pk").values_list("hash", flat=True).first()
    entry = AccessLogEntry(
        at=timezone.now(),
        user_id=actor_id,
        user_name=actor_name,
        role=role,
        case_id=case.pk,
        registration_number=case.registration_number,
        kind=kind,
        detail=detail[:200],
        previous_hash=last or GENESIS,
    )
    entry.hash = entry.compute_hash()
    entry.save()
    return entry


@dataclass
class ChainProblem:
    entry_id: int
    problem: str


def verify_chain(batch_size: int = 5000) -> list[ChainProblem]:
    """Walk the whole log: every entry's hash must match its content and the
    entry before it. An edited entry fails its own hash; a deleted one
    breaks the link of the next."""
    problems = []
    previous = GENESIS
    last_pk = 0
    while True:
        batch = list(AccessLogEntry.objects.filter(pk__gt=last_pk).order_by("pk")[:batch_size])
        for entry in batch:
            if entry.previous_hash != previous:
                problems.append(ChainProblem(entry.pk, "link"))
            if entry.compute_hash() != entry.hash:
                problems.append(ChainProblem(entry.pk, "content"))
            previous = entry.hash
            last_pk = entry.pk
        if len(batch) < batch_size:
            return problems
