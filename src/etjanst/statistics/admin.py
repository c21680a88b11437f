from django.contrib import admin

from .models import EServiceOptions

# The counters themselves are not in the admin: they are read on the
# statistics pages, and a hand-edited count would make them lie.


@admin.register(EServiceOptions)
class EServiceOptionsAdmin(admin.ModelAdmin):
    """Per e-service: the satisfaction survey and publishing as open data
    (also on the e-service's statistics page)."""

    list_display = ["eservice", "survey", "open_data"]
    list_filter = ["survey", "open_data"]
    search_fields = ["eservice__name"]
    autocomplete_fields = ["eservice"]
