"""Writes to e-services: creating versions and publishing them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.organisation.models import Committee

from .formschema import validate_form_json
from .models import Category, EService, EServiceVersion


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
def import_eservice(*, data: dict) -> tuple[EService, EServiceVersion | None]:
    """Create or update an e-service from an exported JSON document and
    publish its form as a new version when it differs from the current one.

    Idempotent: importing the same document twice changes nothing."""
    validate_form_json(data["form"])
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
    ):
        if field in data:
            setattr(eservice, field, data[field])
    eservice.eid_loa = data.get("eid_loa", eservice.eid_loa)
    _save_valid(eservice)
    current = eservice.versions.filter(published_at__isnull=False).order_by("-number").first()
    if current is not None and current.form == data["form"]:
        return eservice, None
    return eservice, add_version(eservice=eservice, form=data["form"], publish=True)


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
    version = eservice.current_version
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
        "form": version.form if version else {"steps": []},
    }
