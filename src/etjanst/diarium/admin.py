from django.contrib import admin

from .models import Committee


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "registration_format"]
    search_fields = ["name", "prefix"]
