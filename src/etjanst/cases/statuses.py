"""The platform's default statuses: used by e-services that define none.
(The migration that first made them keeps its own copy.)"""

from django.db import transaction
from django.utils.translation import gettext_noop

# code, staff name, resident name, kind, may be followed by
DEFAULTS = [
    (
        "inkommet",
        gettext_noop("Inkommet"),
        gettext_noop("Mottaget"),
        "submitted",
        ["handlaggs", "avslutat"],
    ),
    (
        "handlaggs",
        gettext_noop("Under handläggning"),
        gettext_noop("Handläggs"),
        "in_progress",
        ["komplettering", "avslutat"],
    ),
    (
        "komplettering",
        gettext_noop("Komplettering begärd"),
        gettext_noop("Vi behöver mer information från dig"),
        "waiting",
        ["handlaggs", "avslutat"],
    ),
    ("avslutat", gettext_noop("Avslutat"), gettext_noop("Avslutat"), "closed", ["handlaggs"]),
]


@transaction.atomic
def ensure_default_statuses(status_model=None) -> None:
    """Make the default statuses and their transitions where they are missing."""
    if status_model is None:
        from .models import Status as status_model
    made = {}
    for order, (code, name, resident_name, kind, _next) in enumerate(DEFAULTS):
        made[code], _created = status_model.objects.get_or_create(
            eservice=None,
            code=code,
            defaults={"name": name, "resident_name": resident_name, "kind": kind, "order": order},
        )
    for code, *_rest, following in DEFAULTS:
        if not made[code].next_statuses.exists():
            made[code].next_statuses.set([made[c] for c in following])


def first_status(eservice):
    """The status a new case of the e-service gets."""
    from .models import Status, StatusKind  # as above: migrations import this module

    for _attempt in range(2):
        statuses = Status.objects.for_eservice(eservice).order_by("order")
        status = statuses.filter(kind=StatusKind.SUBMITTED).first() or statuses.first()
        if status is not None:
            return status
        ensure_default_statuses()
    raise Status.DoesNotExist("No statuses")
