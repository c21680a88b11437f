from django.contrib import admin

from .models import Release, SecrecyMarking


@admin.register(SecrecyMarking)
class SecrecyMarkingAdmin(admin.ModelAdmin):
    """Where staff set or lift a secrecy flag on a case or an answer."""

    list_display = ["case", "question_id", "ground", "set_by", "set_at"]
    search_fields = ["case__registration_number", "ground"]
    raw_id_fields = ["case"]
    readonly_fields = ["set_by", "set_at"]

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


# Requests for public documents are not in the admin (least privilege): they
# hold the requester's contact details; registrars handle them on the staff
# pages (/handlaggning/utlamnande/), within their committees.


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """The release log: read-only."""

    list_display = ["request", "registration_number", "at", "user_name", "delivery"]
    search_fields = ["registration_number", "request__registration_number"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
