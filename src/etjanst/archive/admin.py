from django.contrib import admin

from .models import ArchiveExport


@admin.register(ArchiveExport)
class ArchiveExportAdmin(admin.ModelAdmin):
    """Read-only: what was handed to the e-archive, as it was."""

    list_display = ("created_at", "package_id", "exported_by", "client", "size", "sha256")
    list_filter = ("client",)
    search_fields = ("package_id", "sha256", "exported_by", "cases__registration_number")
    readonly_fields = ("cases",)
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
