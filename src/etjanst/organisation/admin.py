from django.contrib import admin

from .models import Committee, RetentionRule


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "registration_format"]
    search_fields = ["name", "prefix"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "committee", "decision_reference", "clock", "period_months"]
    list_filter = ["committee", "clock"]
    search_fields = ["name", "decision_reference"]
    list_select_related = ["committee"]
