import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import actions
from .models import Category, EService, EServiceVersion


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    prepopulated_fields = {"slug": ["name"]}


class VersionInline(admin.TabularInline):
    model = EServiceVersion
    fields = ["number", "published_at", "accepts_drafts", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(EService)
class EServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "committee", "login", "is_active"]
    list_filter = ["category", "committee", "login", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VersionInline]
    actions = ["export_json"]
    readonly_fields = ["revision"]

    def save_model(self, request, obj, form, change):
        if change:
            obj.revision += 1  # a builder settings page opened before this is stale
        super().save_model(request, obj, form, change)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "retention_rule":
            # Each choice names its committee and decision (RetentionRule.__str__).
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("committee")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Exportera som JSON"))
    def export_json(self, request, queryset):
        """The e-services as JSON documents that `load_eservices` reads back."""
        documents = [actions.export_eservice(eservice=e) for e in queryset]
        payload = documents[0] if len(documents) == 1 else documents
        name = f"{queryset[0].slug}.json" if len(documents) == 1 else "e-tjanster.json"
        response = HttpResponse(
            json.dumps(payload, ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class PrettyJSONField(forms.JSONField):
    """The form shown indented (not collapsed onto one line), and a syntax
    error told with its line and column in Swedish."""

    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ValidationError(
                    _("JSON-texten är inte giltig på rad %(line)d, kolumn %(col)d.")
                    % {"line": exc.lineno, "col": exc.colno}
                ) from None
        return super().to_python(value)


@admin.register(EServiceVersion)
class EServiceVersionAdmin(admin.ModelAdmin):
    """The form is edited as JSON here (a visual builder comes later). It is
    validated against the form schema on save; published versions are frozen."""

    list_display = ["eservice", "number", "published_at", "accepts_drafts"]
    list_filter = ["eservice"]
    actions = ["publish"]
    fields = ["eservice", "number", "form", "published_at", "accepts_drafts"]
    formfield_overrides = {
        models.JSONField: {
            "form_class": PrettyJSONField,
            "widget": forms.Textarea(attrs={"rows": 30, "cols": 100}),
        }
    }

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at:
            return ["eservice", "number", "form", "published_at"]
        return ["published_at"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        eservice_id = initial.get("eservice")
        if eservice_id:
            last = EServiceVersion.objects.filter(eservice_id=eservice_id).first()
            initial["number"] = (last.number + 1) if last else 1
            if last:
                initial["form"] = last.form
        return initial

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.published_at is None

    @admin.action(description=_("Publicera valda versioner"))
    def publish(self, request, queryset):
        published = 0
        for version in queryset.select_related("eservice"):
            try:
                actions.publish_version(version=version)
            except ValidationError as exc:
                self.message_user(request, f"{version}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("%d version publicerades.", "%d versioner publicerades.", published)
                % published,
                messages.SUCCESS,
            )
