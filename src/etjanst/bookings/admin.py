from django.contrib import admin

from .models import OpeningRule, Resource, ScheduleException, Slot


class OpeningRuleInline(admin.TabularInline):
    model = OpeningRule
    extra = 0


class ScheduleExceptionInline(admin.TabularInline):
    model = ScheduleException
    extra = 0


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "committee", "slot_minutes", "capacity", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["managers"]
    inlines = [OpeningRuleInline, ScheduleExceptionInline]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    """Read-only: places change only through the booking actions."""

    list_display = ["resource", "starts_at", "capacity", "booked", "blocked"]
    list_filter = ["resource", "blocked"]
    list_select_related = ["resource"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# Bookings are not in the admin (least privilege): they hold residents'
# names and e-mail addresses; the staff pages (/handlaggning/bokningar/)
# show them to the resource's managers.
