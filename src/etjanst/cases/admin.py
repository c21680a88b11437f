from django.contrib import admin

from .models import Case


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: a received case is a public document and never changes.
    (Case handling gets its own staff pages.) The list shows no answers, so
    no personal data appears in it."""

    list_display = ["registration_number", "eservice", "received_at", "protected_identity"]
    list_filter = ["eservice", "committee", "protected_identity"]
    search_fields = ["registration_number"]
    date_hierarchy = "received_at"
    fields = [
        "registration_number",
        "eservice",
        "version",
        "committee",
        "received_at",
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
