"""Writes to e-services: creating versions and publishing them."""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.organisation.models import Committee

from .formschema import schema_problems, validate_form_json
from .models import Category, EService, EServiceChange, EServiceVersion, live_at

# The document's own fields (besides the form), with what each must be.
_REQUIRED_TEXT = ("slug", "name", "short_description")


def parse_document(text: str) -> dict:
    """An exported e-service from JSON text; a syntax error says its line and
    column in Swedish."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            _("JSON-texten är inte giltig på rad %(line)d, kolumn %(col)d: %(msg)s.")
            % {"line": exc.lineno, "col": exc.colno, "msg": _json_reason(exc.msg)}
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(_("JSON-texten ska vara ett objekt med en e-tjänst."))
    return data


def _json_reason(message: str) -> str:
    reasons = {
        "Expecting value": _("ett värde saknas"),
        "Expecting property name enclosed in double quotes": _(
            "ett namn inom dubbla citattecken saknas (kanske ett kommatecken för mycket)"
        ),
        "Expecting ',' delimiter": _("ett kommatecken saknas"),
        "Expecting ':' delimiter": _("ett kolon saknas"),
        "Unterminated string starting at": _("en text saknar sitt avslutande citattecken"),
        "Extra data": _("det finns text efter slutet"),
        "Invalid control character at": _("ett otillåtet tecken (t.ex. radbrytning i en text)"),
    }
    return reasons.get(message, message)


def document_problems(data: dict) -> list[str]:
    """Every problem with an exported e-service, in Swedish: the document's
    fields first, then the form's (each at its step and question)."""
    problems = []
    for key in _REQUIRED_TEXT:
        if not isinstance(data.get(key), str) or not data.get(key).strip():
            problems.append(_("Uppgiften %(f)s saknas eller är inte en text.") % {"f": key})
    for key, parts in (("category", ("slug", "name")), ("committee", ("prefix", "name"))):
        value = data.get(key)
        if not isinstance(value, dict) or any(
            not isinstance(value.get(p), str) or not value.get(p) for p in parts
        ):
            problems.append(
                _("Uppgiften %(f)s ska ha %(parts)s.") % {"f": key, "parts": " och ".join(parts)}
            )
    retention = data.get("retention")
    if retention is not None and (
        not isinstance(retention, dict)
        or not {"decision_reference", "clock", "period_months"} <= set(retention)
    ):
        problems.append(
            _("Uppgiften retention ska ha decision_reference, clock och period_months.")
        )
    if "form" not in data:
        problems.append(_("Uppgiften form (formuläret) saknas."))
    else:
        problems.extend(schema_problems(data["form"]))
    return problems


@transaction.atomic
def add_version(*, eservice: EService, form: dict, publish: bool = False) -> EServiceVersion:
    """Store a new version of the e-service's form (validated first)."""
    validate_form_json(form)
    last = eservice.versions.select_for_update().aggregate(n=Max("number"))["n"] or 0
    return EServiceVersion.objects.create(
        eservice=eservice,
        number=last + 1,
        form=form,
        published_at=timezone.now() if publish else None,
    )


@transaction.atomic
def publish_version(*, version: EServiceVersion) -> EServiceVersion:
    """Make the version the one new forms start on. Forms already started and
    cases already sent keep the version they were filled in on."""
    validate_form_json(version.form)
    if version.eservice.retention_rule_id is None:
        raise ValidationError(
            _(
                "Välj en gallringsregel för e-tjänsten innan den publiceras: "
                "hur länge ärendena sparas."
            )
        )
    problem = version.eservice.retention_rule_problem()
    if problem:
        raise ValidationError(problem)
    if version.published_at is None:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
    return version


@transaction.atomic
def import_eservice(
    *, data: dict, publish: bool = True, actor=None
) -> tuple[EService, EServiceVersion | None]:
    """Create or update an e-service from an exported JSON document and
    publish its form as a new version when it differs from the current one
    (with `publish=False`, as the draft version instead: the builder).

    Every problem is reported at once and nothing is stored when there is
    one. Idempotent: importing the same document twice changes nothing."""
    problems = document_problems(data)
    if problems:
        raise ValidationError(problems)
    committee = Committee.objects.filter(prefix=data["committee"]["prefix"]).first() or Committee(
        prefix=data["committee"]["prefix"]
    )
    committee.name = data["committee"]["name"]
    _save_valid(committee)
    category = Category.objects.filter(slug=data["category"]["slug"]).first() or Category(
        slug=data["category"]["slug"]
    )
    category.name = data["category"]["name"]
    category.order = data["category"].get("order", category.order or 0)
    _save_valid(category)
    eservice = EService.objects.filter(slug=data["slug"]).first() or EService(slug=data["slug"])
    eservice.name = data["name"]
    eservice.category = category
    eservice.committee = committee
    eservice.short_description = data["short_description"]
    eservice.intro_text = data.get("intro_text", "")
    eservice.what_you_need = "\n".join(data.get("what_you_need", []))
    eservice.personal_data_text = data.get("personal_data_text", "")
    eservice.after_submit_text = data.get("after_submit_text", "")
    personal_data = data.get("personal_data") or {}
    eservice.pd_purpose = personal_data.get("purpose", "")
    eservice.pd_legal_basis = personal_data.get("legal_basis", "")
    eservice.pd_recipients = personal_data.get("recipients", "")
    if "max_attachments_total_mb" in data:
        eservice.max_attachments_total_mb = data["max_attachments_total_mb"]
    eservice.login = data.get("login", eservice.login)
    eservice.requires_signing = data.get("requires_signing", eservice.requires_signing)
    if data.get("retention"):
        eservice.retention_rule = _retention_rule(data["retention"], committee)
    for field in (
        "offers_anonymity",
        "messages_enabled",
        "draft_retention_days",
        "register_description",
        "senders_are_organisations",
        "guardian_signing",
    ):
        if field in data:
            setattr(eservice, field, data[field])
    eservice.eid_loa = data.get("eid_loa", eservice.eid_loa)
    eservice.contact = data.get("contact", eservice.contact)
    if eservice.pk:
        eservice.revision += 1  # a settings page opened before the import is stale
    _save_valid(eservice)
    if not publish:
        draft = eservice.versions.filter(published_at__isnull=True).order_by("-number").first()
        if draft is None:
            draft = add_version(eservice=eservice, form=data["form"])
        else:
            draft.form = data["form"]
            draft.revision += 1
            draft.save(update_fields=["form", "revision"])
        EServiceChange.objects.create(
            eservice=eservice,
            actor=actor,
            version_number=draft.number,
            summary=_("Importerade e-tjänsten från JSON till utkastet."),
        )
        return eservice, draft
    current = eservice.versions.filter(live_at(timezone.now())).order_by("-number").first()
    if current is not None and current.form == data["form"]:
        return eservice, None
    version = add_version(eservice=eservice, form=data["form"], publish=True)
    EServiceChange.objects.create(
        eservice=eservice,
        actor=actor,
        version_number=version.number,
        summary=_("Importerade och publicerade version %(n)d.") % {"n": version.number},
    )
    return eservice, version


def _retention_rule(data: dict, committee: Committee):
    """The committee's rule with this decision, clock and period (made once)."""
    from etjanst.organisation.models import RetentionRule

    rule, _created = RetentionRule.objects.get_or_create(
        committee=committee,
        decision_reference=data["decision_reference"],
        clock=data["clock"],
        period_months=data["period_months"],
        defaults={"name": data.get("name") or data["decision_reference"]},
    )
    return rule


def _save_valid(instance) -> None:
    """Save only what passes the model's own validation (lengths, uniqueness)."""
    instance.full_clean()
    instance.save()


def export_eservice(*, eservice: EService) -> dict:
    """The e-service as a JSON document that import_eservice reads back."""
    return export_document(eservice=eservice, form=None)


def export_document(*, eservice: EService, form: dict | None) -> dict:
    """The e-service with this form (default: the current version's)."""
    version = eservice.current_version
    if form is None:
        form = version.form if version else {"steps": []}
    return {
        "slug": eservice.slug,
        "name": eservice.name,
        "category": {"slug": eservice.category.slug, "name": eservice.category.name},
        "committee": {"prefix": eservice.committee.prefix, "name": eservice.committee.name},
        "short_description": eservice.short_description,
        "intro_text": eservice.intro_text,
        "what_you_need": eservice.what_you_need_items(),
        "personal_data_text": eservice.personal_data_text,
        "after_submit_text": eservice.after_submit_text,
        "personal_data": {
            "purpose": eservice.pd_purpose,
            "legal_basis": eservice.pd_legal_basis,
            "recipients": eservice.pd_recipients,
        },
        "max_attachments_total_mb": eservice.max_attachments_total_mb,
        "login": eservice.login,
        "requires_signing": eservice.requires_signing,
        "guardian_signing": eservice.guardian_signing,
        "offers_anonymity": eservice.offers_anonymity,
        "retention": {
            "name": eservice.retention_rule.name,
            "decision_reference": eservice.retention_rule.decision_reference,
            "clock": eservice.retention_rule.clock,
            "period_months": eservice.retention_rule.period_months,
        }
        if eservice.retention_rule
        else None,
        "messages_enabled": eservice.messages_enabled,
        "draft_retention_days": eservice.draft_retention_days,
        "register_description": eservice.register_description,
        "senders_are_organisations": eservice.senders_are_organisations,
        "eid_loa": eservice.eid_loa,
        "contact": eservice.contact,
        "form": form,
    }
