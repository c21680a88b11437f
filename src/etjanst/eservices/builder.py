"""The builder's writes: an e-service's settings and its draft version,
edited by e-service administrators without writing JSON. Every change goes
to the draft version (never to a published one), is refused when made on a
stale draft (optimistic locking on `revision`), and is written to the
e-service's change log in the same transaction. The edits themselves are
`formedit`'s functions on the form JSON, which stays the storage format."""

import copy
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formedit import MARKUP_RE, BuilderError
from .formschema import validate_form_json
from .lint import has_errors, lint
from .models import EService, EServiceChange, EServiceVersion

EMPTY_FORM: dict = {"steps": []}


class StaleDraft(BuilderError):
    """The draft changed since the page was loaded (another administrator)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Någon annan har ändrat utkastet sedan du öppnade sidan. Din ändring sparades "
                "inte. Läs in sidan igen och gör ändringen på nytt."
            )
        )


class StaleSettings(BuilderError):
    """The settings changed since the page was loaded (another administrator)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Någon annan har ändrat inställningarna sedan du öppnade sidan. Dina ändringar "
                "sparades inte. Läs in sidan igen och gör ändringarna på nytt."
            )
        )


class NotPublishable(BuilderError):
    """The check before publishing found errors."""


PUBLICATION_STATUSES = {
    "draft": gettext_lazy("Utkast"),
    "published": gettext_lazy("Publicerad"),
    "scheduled": gettext_lazy("Schemalagd"),
    "unpublished": gettext_lazy("Avpublicerad"),
}


def publication_status(*, unpublish_at, last_published, next_published, now=None) -> str:
    """utkast (never published), publicerad, schemalagd (only a version
    waiting for its time) or avpublicerad."""
    now = now or timezone.now()
    if unpublish_at and unpublish_at <= now:
        return "unpublished"
    if last_published is not None and last_published <= now:
        return "published"
    if next_published is not None:
        return "scheduled"
    return "draft"


# --- reading --------------------------------------------------------------


def draft_of(eservice: EService) -> EServiceVersion | None:
    """The version being edited (not published nor scheduled), if any."""
    return eservice.versions.filter(published_at__isnull=True).order_by("-number").first()


def working_form(eservice: EService) -> tuple[dict, str]:
    """The form the builder shows and the token a save must send back: the
    draft's, or (no draft yet) a copy of the newest version's."""
    draft = draft_of(eservice)
    if draft is not None:
        return draft.form, f"{draft.number}:{draft.revision}"
    newest = eservice.versions.order_by("-number").first()
    return (newest.form if newest else EMPTY_FORM), f"{(newest.number if newest else 0) + 1}:0"


# --- writes -------------------------------------------------------------------


def record_change(*, eservice: EService, actor, summary: str) -> None:
    """One row of the change log, for changes made outside the form (e.g.
    the statuses, by cases.statuses). Call inside the change's transaction."""
    _log(eservice, actor, summary)


def _log(eservice: EService, actor, summary: str, version: EServiceVersion | None = None) -> None:
    EServiceChange.objects.create(
        eservice=eservice,
        actor=actor,
        summary=summary[:500],
        version_number=version.number if version else None,
    )


def _locked_draft(eservice: EService, actor, token: str) -> EServiceVersion:
    """The draft to change, locked; made from the newest version if there is
    none. A token from an older page (another save came first) is refused."""
    EService.objects.select_for_update().get(pk=eservice.pk)  # one draft maker at a time
    draft = (
        eservice.versions.select_for_update()
        .filter(published_at__isnull=True)
        .order_by("-number")
        .first()
    )
    if draft is None:
        newest = eservice.versions.order_by("-number").first()
        draft = EServiceVersion.objects.create(
            eservice=eservice,
            number=(newest.number if newest else 0) + 1,
            form=copy.deepcopy(newest.form) if newest else copy.deepcopy(EMPTY_FORM),
            created_by=actor,
        )
    if token != f"{draft.number}:{draft.revision}":
        raise StaleDraft()
    return draft


@transaction.atomic
def edit_draft(
    *, eservice: EService, actor, token: str, change: Callable[[dict], str]
) -> EServiceVersion:
    """Apply `change` (which edits the form and returns the change log's
    text, or raises BuilderError) to the draft, all or nothing."""
    draft = _locked_draft(eservice, actor, token)
    form = copy.deepcopy(draft.form)
    summary = change(form)
    draft.form = form
    draft.revision += 1
    draft.save(update_fields=["form", "revision"])
    _log(eservice, actor, summary, draft)
    EService.objects.filter(pk=eservice.pk).update(updated_at=timezone.now())
    return draft


# --- e-services ------------------------------------------------------------------


def _validation_fields(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: " ".join(m for e in v for m in e.messages) for k, v in exc.error_dict.items()}
    return {"": " ".join(exc.messages)}


SETTINGS_FIELDS = [
    "name", "slug", "category", "committee", "short_description", "intro_text",
    "what_you_need", "after_submit_text", "login", "eid_loa", "offers_anonymity",
    "requires_signing", "guardian_signing", "messages_enabled", "draft_retention_days",
    "max_attachments_total_mb", "retention_rule", "personal_data_text", "pd_purpose",
    "pd_legal_basis", "pd_recipients", "contact",
]  # fmt: skip
TEXT_SETTINGS = {
    "name", "short_description", "intro_text", "what_you_need", "after_submit_text",
    "personal_data_text", "pd_purpose", "pd_legal_basis", "pd_recipients", "contact",
}  # fmt: skip


def _check_settings(eservice: EService) -> None:
    errors = {}
    for name in TEXT_SETTINGS:
        value = getattr(eservice, name) or ""
        if MARKUP_RE.search(value):
            errors[name] = _("Skriv vanlig text utan HTML-kod (tecknet < följt av en bokstav).")
    if (
        eservice.retention_rule_id
        and eservice.committee_id
        and eservice.retention_rule.committee_id != eservice.committee_id
    ):
        errors["retention_rule"] = _("Välj en gallringsregel som nämnden har beslutat.")
    try:
        eservice.full_clean()
    except ValidationError as exc:
        for key, message in _validation_fields(exc).items():
            errors.setdefault(key, message)
    if errors:
        raise BuilderError(fields=errors)


@transaction.atomic
def create_eservice(*, actor, values: dict, may_use_committee: Callable) -> EService:
    """A new e-service, not published, with an empty draft version."""
    if values.get("committee") is not None and not may_use_committee(values["committee"]):
        raise BuilderError(fields={"committee": _("Välj en nämnd som du bygger e-tjänster för.")})
    eservice = EService(**values)
    _check_settings(eservice)
    eservice.save()
    version = EServiceVersion.objects.create(
        eservice=eservice, number=1, form=copy.deepcopy(EMPTY_FORM), created_by=actor
    )
    _log(eservice, actor, _("Skapade e-tjänsten «%(n)s».") % {"n": eservice.name}, version)
    return eservice


def settings_token(eservice: EService) -> str:
    """The token a settings page sends back with its save."""
    return str(eservice.revision)


@transaction.atomic
def update_settings(
    *, eservice: EService, actor, values: dict, may_use_committee: Callable, token: str
) -> EService:
    """Change the e-service's settings (they apply at once, to every version).
    A save from a page loaded before someone else's save is refused
    (StaleSettings), as a stale draft is: no update is lost."""
    eservice = EService.objects.select_for_update().get(pk=eservice.pk)
    if token != settings_token(eservice):
        raise StaleSettings()
    if values.get("committee") is not None and not may_use_committee(values["committee"]):
        raise BuilderError(fields={"committee": _("Välj en nämnd som du bygger e-tjänster för.")})
    changed = []
    for name, value in values.items():
        if getattr(eservice, name) != value:
            changed.append(str(EService._meta.get_field(name).verbose_name))
            setattr(eservice, name, value)
    _check_settings(eservice)
    if not changed:
        return eservice
    eservice.revision += 1
    eservice.save()
    _log(eservice, actor, _("Ändrade inställningar: %(f)s.") % {"f": ", ".join(changed)})
    return eservice


@transaction.atomic
def publish_draft(*, eservice: EService, actor, token: str, at=None) -> EServiceVersion:
    """Publish the draft now (or at `at`): it becomes the version new forms
    start on. Refused while the check before publishing finds errors."""
    eservice = EService.objects.select_for_update().get(pk=eservice.pk)
    draft = _locked_draft(eservice, actor, token)
    findings = lint(eservice, draft.form)
    if has_errors(findings):
        raise NotPublishable(
            _("Utkastet kan inte publiceras: kontrollen hittade fel. Rätta dem först.")
        )
    try:
        validate_form_json(draft.form)
    except ValidationError as exc:
        raise NotPublishable(" ".join(exc.messages)) from None
    now = timezone.now()
    if at is not None and at <= now:
        raise BuilderError(fields={"publish_at": _("Välj en tid som inte har varit.")})
    draft.published_at = at or now
    draft.is_scheduled = at is not None
    draft.published_by = actor
    draft.save(update_fields=["published_at", "is_scheduled", "published_by"])
    if eservice.unpublish_at and eservice.unpublish_at <= draft.published_at:
        eservice.unpublish_at = None
        eservice.save(update_fields=["unpublish_at", "updated_at"])
    if at:
        summary = _("Schemalade version %(n)d att publiceras %(at)s.") % {
            "n": draft.number,
            "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
        }
    else:
        summary = _("Publicerade version %(n)d.") % {"n": draft.number}
    _log(eservice, actor, summary, draft)
    return draft


@transaction.atomic
def cancel_scheduled(*, eservice: EService, actor, version: EServiceVersion) -> EServiceVersion:
    """A version scheduled for later goes back to being the draft."""
    version = EServiceVersion.objects.select_for_update().get(pk=version.pk, eservice=eservice)
    if not version.is_scheduled or version.published_at <= timezone.now():
        raise BuilderError(_("Versionen är inte schemalagd."))
    if draft_of(eservice) is not None:
        raise BuilderError(_("Det finns redan ett utkast. Ta bort det eller publicera det först."))
    version.published_at = None
    version.is_scheduled = False
    version.published_by = None
    version.save(update_fields=["published_at", "is_scheduled", "published_by"])
    _log(eservice, actor, _("Tog bort schemaläggningen av version %(n)d.") % {"n": version.number})
    return version


@transaction.atomic
def schedule_unpublish(*, eservice: EService, actor, at) -> EService:
    """Stop the e-service being found and started from `at` (None: now).
    Forms already started can still be sent on their version."""
    eservice = EService.objects.select_for_update().get(pk=eservice.pk)
    now = timezone.now()
    if at is not None and at <= now:
        raise BuilderError(fields={"unpublish_at": _("Välj en tid som inte har varit.")})
    eservice.unpublish_at = at or now
    eservice.save(update_fields=["unpublish_at", "updated_at"])
    when = timezone.localtime(eservice.unpublish_at).strftime("%Y-%m-%d %H:%M")
    _log(eservice, actor, _("Avpublicerar e-tjänsten %(at)s.") % {"at": when})
    return eservice


@transaction.atomic
def cancel_unpublish(*, eservice: EService, actor) -> EService:
    eservice = EService.objects.select_for_update().get(pk=eservice.pk)
    eservice.unpublish_at = None
    eservice.save(update_fields=["unpublish_at", "updated_at"])
    _log(eservice, actor, _("E-tjänsten publiceras igen (ingen avpublicering)."))
    return eservice


@transaction.atomic
def restore_version(*, eservice: EService, actor, version: EServiceVersion) -> EServiceVersion:
    """An old version's form as a new draft (the current draft, if any, is
    replaced: its text is kept in the version list only if published)."""
    eservice = EService.objects.select_for_update().get(pk=eservice.pk)
    draft = draft_of(eservice)
    form = copy.deepcopy(version.form)
    if draft is not None:
        draft.form = form
        draft.revision += 1
        draft.save(update_fields=["form", "revision"])
    else:
        last = eservice.versions.aggregate(n=Max("number"))["n"] or 0
        draft = EServiceVersion.objects.create(
            eservice=eservice, number=last + 1, form=form, created_by=actor
        )
    _log(
        eservice,
        actor,
        _("Återställde version %(n)d som nytt utkast.") % {"n": version.number},
        draft,
    )
    return draft


@transaction.atomic
def copy_eservice(
    *, eservice: EService, actor, name: str, slug: str, may_use_committee: Callable
) -> EService:
    """A new e-service with the same settings and the newest form as its draft."""
    values = {f: getattr(eservice, f) for f in SETTINGS_FIELDS}
    values.update(name=name, slug=slug)
    copy_ = create_eservice(actor=actor, values=values, may_use_committee=may_use_committee)
    newest = eservice.versions.order_by("-number").first()
    if newest is not None:
        EServiceVersion.objects.filter(eservice=copy_, number=1).update(
            form=copy.deepcopy(newest.form)
        )
    _log(copy_, actor, _("Kopierad från «%(n)s».") % {"n": eservice.name})
    return copy_
