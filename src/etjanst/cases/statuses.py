"""The platform's default statuses: used by e-services that define none.
(The migration that first made them keeps its own copy.)"""

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from etjanst.eservices.builder import record_change
from etjanst.eservices.formedit import MARKUP_RE
from etjanst.eservices.models import EService

from .models import Case, CaseEvent, Status, StatusKind

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
        status_model = Status
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


def first_status(eservice) -> Status:
    """The status a new case of the e-service gets."""
    for _attempt in range(2):
        statuses = Status.objects.for_eservice(eservice).order_by("order")
        status = statuses.filter(kind=StatusKind.SUBMITTED).first() or statuses.first()
        if status is not None:
            return status
        ensure_default_statuses()
    raise Status.DoesNotExist("No statuses")


# --- an e-service's own statuses (edited in the builder) --------------------------
# Here rather than in eservices: statuses belong to cases, and cases import
# eservices (never the other way round).

STATUS_NAME_LIMIT = 100


class StatusError(Exception):
    """The statuses cannot be saved: a Swedish message, per field when known."""

    def __init__(self, message: str = "", *, fields: dict[str, str] | None = None) -> None:
        self.fields = dict(fields or {})
        self.message = message or _("Rätta det som är markerat och spara igen.")
        super().__init__(self.message)


def own_statuses(eservice) -> list:
    return list(Status.objects.filter(eservice=eservice).prefetch_related("next_statuses"))


@transaction.atomic
def customise_statuses(*, eservice, actor) -> list:
    """Give the e-service its own copy of the default statuses and
    transitions, to rename and change. Its cases on a default status move to
    the copy with the same code (the same meaning), so they go on by the new
    rules."""
    EService.objects.select_for_update().get(pk=eservice.pk)
    if Status.objects.filter(eservice=eservice).exists():
        raise StatusError(_("E-tjänsten har redan egna statusar."))
    ensure_default_statuses()
    defaults = list(Status.objects.filter(eservice__isnull=True).prefetch_related("next_statuses"))
    copies = {}
    for status in defaults:
        copies[status.pk] = Status.objects.create(
            eservice=eservice,
            code=status.code,
            name=status.name,  # the stored Swedish name, whatever the page language
            resident_name=status.resident_name,
            kind=status.kind,
            order=status.order,
        )
    for status in defaults:
        copies[status.pk].next_statuses.set([copies[n.pk] for n in status.next_statuses.all()])
    for old_pk, copy in copies.items():
        Case.objects.filter(eservice=eservice, status_id=old_pk).update(status=copy)
    record_change(eservice=eservice, actor=actor, summary=_("Gav e-tjänsten egna statusar."))
    return list(copies.values())


@transaction.atomic
def save_statuses(*, eservice, actor, rows: dict[int, dict], new: dict | None = None) -> list:
    """Rename the e-service's own statuses, set which may follow which,
    remove unused ones and add one. `rows` maps a status id to
    {"name", "resident_name", "next": [ids], "remove": bool}; `new` is
    {"name", "resident_name", "kind"} or None. All or nothing."""
    EService.objects.select_for_update().get(pk=eservice.pk)
    statuses = {s.pk: s for s in Status.objects.filter(eservice=eservice)}
    if not statuses:
        raise StatusError(_("Gör först egna statusar för e-tjänsten."))
    errors: dict[str, str] = {}
    removed = {pk for pk, row in rows.items() if row.get("remove") and pk in statuses}
    in_use = set(
        Case.objects.filter(status_id__in=removed).values_list("status_id", flat=True)
    ) | set(CaseEvent.objects.filter(status_id__in=removed).values_list("status_id", flat=True))
    for pk in in_use:
        errors[f"s{pk}-remove"] = _("Statusen används av ärenden och kan inte tas bort.")
    names: dict[str, str] = {}
    for pk, status in statuses.items():
        if pk in removed:
            continue
        row = rows.get(pk, {})
        for key in ("name", "resident_name"):
            value = (row.get(key, getattr(status, key)) or "").strip()
            problem = _name_problem(value)
            if problem:
                errors[f"s{pk}-{key}"] = problem
            setattr(status, key, value)
        if status.name.casefold() in names:
            errors[f"s{pk}-name"] = _("Två statusar heter «%(n)s».") % {"n": status.name}
        names[status.name.casefold()] = status.name
    added = None
    if new and (new.get("name") or "").strip():
        added = Status(
            eservice=eservice,
            name=new["name"].strip(),
            resident_name=(new.get("resident_name") or "").strip(),
            kind=new.get("kind", ""),
            order=max(s.order for s in statuses.values()) + 1,
        )
        for key in ("name", "resident_name"):
            problem = _name_problem(getattr(added, key))
            if problem:
                errors[f"new-{key}"] = problem
        if added.kind not in StatusKind.values:
            errors["new-kind"] = _("Välj vad statusen betyder.")
        if added.name.casefold() in names:
            errors["new-name"] = _("Två statusar heter «%(n)s».") % {"n": added.name}
        taken = {s.code for s in statuses.values()}
        added.code = _code(added.name, taken)
    kept = [s for pk, s in statuses.items() if pk not in removed]
    if not any(s.kind == StatusKind.SUBMITTED for s in kept) and not (
        added and added.kind == StatusKind.SUBMITTED
    ):
        errors["statuses"] = _("Det behövs en status för nya ärenden (slaget «Inkommet»).")
    for status in kept:
        following = [n for n in rows.get(status.pk, {}).get("next", []) if n in statuses]
        if any(n in removed for n in following):
            errors[f"s{status.pk}-next"] = _("En borttagen status kan inte följa efter.")
        if status.kind != StatusKind.CLOSED and not following and status.pk in rows:
            errors[f"s{status.pk}-next"] = _(
                "Välj minst en status som kan följa, annars fastnar ärendena här."
            )
    if errors:
        raise StatusError(fields=errors)
    for status in kept:
        status.save(update_fields=["name", "resident_name"])
        if status.pk in rows:
            status.next_statuses.set(
                [
                    statuses[n]
                    for n in rows[status.pk].get("next", [])
                    if n in statuses and n != status.pk
                ]
            )
    for pk in removed:
        statuses[pk].delete()
    if added:
        added.save()
    record_change(eservice=eservice, actor=actor, summary=_("Ändrade statusarna."))
    return own_statuses(eservice)


def _name_problem(value: str) -> str:
    if not value:
        return _("Skriv ett namn.")
    if len(value) > STATUS_NAME_LIMIT:
        return _("Högst %(n)d tecken.") % {"n": STATUS_NAME_LIMIT}
    if MARKUP_RE.search(value):
        return _("Skriv vanlig text utan HTML-kod (tecknet < följt av en bokstav).")
    return ""


def _code(name: str, taken: set[str]) -> str:
    base = slugify(name)[:40] or "status"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
