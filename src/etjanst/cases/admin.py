from django.contrib import admin

from .models import Status

# Cases are not in the admin (least privilege): the staff pages show them
# to those of the case's committee and log every opening for the resident.


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    """Statuses per e-service; those without an e-service are the defaults."""

    list_display = ["name", "resident_name", "kind", "eservice", "order"]
    list_filter = ["kind", "eservice"]
    search_fields = ["name", "resident_name", "code"]
    filter_horizontal = ["next_statuses"]
    ordering = ["eservice__name", "order"]
