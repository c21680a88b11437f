from django.contrib import admin

from .models import PurgeLogEntry, RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "decision_reference", "clock", "period_months"]
    list_filter = ["committee", "clock"]
    search_fields = ["name", "decision_reference"]
    list_select_related = ["committee"]


@admin.register(PurgeLogEntry)
class PurgeLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the purge log is append-only."""

    list_display = ["at", "rule_name", "decision_reference", "what", "count", "by"]
    list_filter = ["what"]
    search_fields = ["rule_name", "decision_reference"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
