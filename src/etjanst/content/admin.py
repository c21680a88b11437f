from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import InformationPage, OperatingMessage, SiteSettings


@admin.register(InformationPage)
class InformationPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "placement", "order", "is_published", "updated_at"]
    list_filter = ["placement", "is_published"]
    list_editable = ["order"]
    search_fields = ["title", "title_en", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["eservices"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "body"]}),
        (_("På engelska"), {"fields": ["title_en", "body_en"]}),
        (_("Var sidan visas"), {"fields": ["placement", "order", "is_published", "eservices"]}),
    ]


@admin.register(OperatingMessage)
class OperatingMessageAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "level",
        "scope",
        "eservice",
        "eid_method",
        "closes_eservice",
        "starts_at",
        "ends_at",
    ]
    list_filter = ["level", "scope", "closes_eservice"]
    search_fields = ["text", "text_en"]
    autocomplete_fields = ["eservice"]
    fieldsets = [
        (None, {"fields": ["level", "text", "text_en"]}),
        (_("När"), {"fields": ["starts_at", "ends_at"]}),
        (_("Var"), {"fields": ["scope", "eservice", "eid_method", "closes_eservice"]}),
    ]


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    """One row: the list goes straight to it."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    fieldsets = [
        (
            _("Kommunen"),
            {
                "description": _("Tomma fält: installationens standardvärden används."),
                "fields": ["municipality_name", "logo"],
            },
        ),
        (
            _("Färger"),
            {
                "description": _(
                    "Kontrasten kontrolleras när du sparar: minst 4,5:1 mellan textfärgen och "
                    "huvudfärgen och mellan huvudfärgen och vit bakgrund (WCAG 2.2 AA)."
                ),
                "fields": ["primary_colour", "text_on_primary"],
            },
        ),
        (_("Sidfoten"), {"fields": ["email", "phone", "website", "footer_links"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return not SiteSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_change_permission(request):
            raise PermissionDenied
        site, _created = SiteSettings.objects.get_or_create(pk=SiteSettings.SINGLETON_ID)
        return redirect(reverse("admin:content_sitesettings_change", args=[site.pk]))
