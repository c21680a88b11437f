"""What else must happen before a due case may be purged.

A registry, because the apps that know (e.g. `integrations`: every required
receiving system has confirmed delivery) sit above `retention` and may not be
imported from here. Each wait registers, in its app's `ready`, two functions:
`condition()` gives a filter expression on cases (Q or Exists) that is true
for a case that must wait, and `describe(case_ids)` says what each of those
cases waits for ({case_id: [reason, ...]}), for the purge preview."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Exists, Q, QuerySet


@dataclass(frozen=True)
class Wait:
    name: str
    condition: Callable[[], Q | Exists]
    describe: Callable[[list[int]], dict[int, list[str]]]


_waits: dict[str, Wait] = {}


def register_wait(wait: Wait) -> None:
    _waits[wait.name] = wait


def without_waiting(cases: QuerySet) -> QuerySet:
    """The cases that need not wait for anything."""
    for wait in _waits.values():
        cases = cases.filter(~wait.condition())
    return cases


def waiting_for(case_ids: list[int]) -> dict[int, list[str]]:
    """Of these cases, those that wait, with what each waits for."""
    result: dict[int, list[str]] = {}
    for wait in _waits.values():
        for case_id, reasons in wait.describe(case_ids).items():
            result.setdefault(case_id, []).extend(reasons)
    return result
