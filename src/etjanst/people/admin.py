from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import StaffAccess, StaffLogin


class StaffAccessInline(admin.TabularInline):
    model = StaffAccess
    extra = 1
    fields = ["role", "committee", "eservice", "notify_new_cases"]
    autocomplete_fields = ["eservice"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Staff accounts with their roles per committee and e-service."""

    inlines = [StaffAccessInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_superuser"]


@admin.register(StaffLogin)
class StaffLoginAdmin(admin.ModelAdmin):
    """The audit of staff logins (read-only)."""

    list_display = ["at", "username", "outcome", "ip_address"]
    list_filter = ["outcome"]
    search_fields = ["username"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
