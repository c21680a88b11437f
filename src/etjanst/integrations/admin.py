"""Administrators create, rotate and revoke API clients here. A new token is
shown once, on the page right after it is made, and never again."""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import actions
from .constants import Permission
from .models import ApiClient, ApiToken, Delivery, OutboxMessage, WebhookEndpoint


class ApiClientForm(forms.ModelForm):
    permissions = forms.MultipleChoiceField(
        label=gettext_lazy("behörigheter"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    token_expires_at = forms.DateTimeField(
        label=gettext_lazy("nyckeln gäller till"),
        required=False,
        help_text=gettext_lazy("Tomt: tills nyckeln byts eller spärras."),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "eservices", "committees", "permissions", "contact_email"]


class ApiTokenInline(admin.TabularInline):
    model = ApiToken
    extra = 0
    fields = ["prefix", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class WebhookEndpointInline(admin.TabularInline):
    """Read only: subscriptions are added on the staff page of API clients
    (/handlaggning/integrationer/), where the signing secret is shown once."""

    model = WebhookEndpoint
    extra = 0
    fields = ["url", "event_types", "delivered_on_2xx", "disabled_at", "disabled_reason"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "get_permissions_display", "created_at", "revoked_at"]
    filter_horizontal = ["eservices", "committees"]
    inlines = [ApiTokenInline, WebhookEndpointInline]
    actions = ["rotate_with_overlap", "rotate_now", "revoke"]

    def get_fields(self, request, obj=None):
        fields = ["name", "eservices", "committees", "permissions", "contact_email"]
        return [*fields, "token_expires_at"] if obj is None else fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # The client and its first token through the action; the many-to-many
        # fields are set by save_related afterwards, as for any admin form.
        client, token = actions.create_client(
            name=form.cleaned_data["name"],
            permissions=form.cleaned_data["permissions"],
            eservices=form.cleaned_data["eservices"],
            committees=form.cleaned_data["committees"],
            contact_email=form.cleaned_data.get("contact_email", ""),
            created_by=request.user,
            token_expires_at=form.cleaned_data.get("token_expires_at"),
        )
        obj.pk, obj.created_at, obj.permissions = client.pk, client.created_at, client.permissions
        obj._state.adding, obj._state.db = False, client._state.db
        obj._new_token = token

    def response_add(self, request, obj, post_url_continue=None):
        return _show_tokens(request, [(obj, obj._new_token)], self.admin_site)

    @admin.action(description=gettext_lazy("Byt nyckel (den gamla gäller 7 dagar till)"))
    def rotate_with_overlap(self, request, queryset):
        return self._rotate(request, queryset, timedelta(days=7))

    @admin.action(description=gettext_lazy("Byt nyckel nu (den gamla slutar gälla direkt)"))
    def rotate_now(self, request, queryset):
        return self._rotate(request, queryset, timedelta(0))

    def _rotate(self, request, queryset, overlap):
        shown = []
        for client in queryset:
            try:
                shown.append((client, actions.rotate_token(client=client, overlap=overlap)))
            except actions.IntegrationError as exc:
                messages.error(request, f"{client}: {exc}")
        return _show_tokens(request, shown, self.admin_site) if shown else None

    @admin.action(description=gettext_lazy("Spärra (alla nycklar slutar gälla)"))
    def revoke(self, request, queryset):
        for client in queryset:
            actions.revoke_client(client=client)
        messages.success(request, _("Klienterna är spärrade."))


def _show_tokens(request, shown, site):
    response = TemplateResponse(
        request,
        "admin/integrations/token_shown.html",
        {**site.each_context(request), "shown": shown, "title": _("Ny API-nyckel")},
    )
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["case", "client", "external_id", "confirmed_at"]
    list_filter = ["client"]
    search_fields = ["case__registration_number", "external_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Staff see what was sent, what failed and why, and send again."""

    list_display = [
        "webhook_id",
        "event_type",
        "case",
        "endpoint",
        "state",
        "attempts",
        "last_status",
        "next_attempt_at",
    ]
    list_filter = ["state", "event_type", "endpoint__client"]
    search_fields = ["case__registration_number"]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Skicka igen nu"))
    def resend(self, request, queryset):
        for message in queryset:
            actions.resend_message(message=message)
        messages.success(request, _("Händelserna skickas igen."))
