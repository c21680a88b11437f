from django.contrib import admin

from .models import Case, Status


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: a received case is a public document and never changes.
    (Case handling gets its own staff pages.) The list shows no answers, so
    no personal data appears in it."""

    list_display = [
        "registration_number",
        "eservice",
        "received_at",
        "status",
        "protected_identity",
    ]
    list_filter = ["eservice", "committee", "status__kind", "protected_identity"]
    search_fields = ["registration_number"]
    date_hierarchy = "received_at"
    fields = [
        "registration_number",
        "eservice",
        "version",
        "committee",
        "received_at",
        "status",
        "protected_identity",
        "answers",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    """Statuses per e-service; those without an e-service are the defaults."""

    list_display = ["name", "resident_name", "kind", "eservice", "order"]
    list_filter = ["kind", "eservice"]
    search_fields = ["name", "resident_name", "code"]
    filter_horizontal = ["next_statuses"]
    ordering = ["eservice__name", "order"]
