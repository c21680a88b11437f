from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import OverdueTask, ScheduledRun, WorkerHeartbeat
from .workers import overdue_tasks


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OverdueTask)
class OverdueTaskAdmin(ReadOnly):
    """What an operator looks at when the log says tasks are past their deadline."""

    list_display = ("task_name", "status", "enqueued_at", "started_at", "tries")
    ordering = ("enqueued_at",)

    def get_queryset(self, request):
        return overdue_tasks().order_by("enqueued_at")

    @admin.display(description=_("försök"))
    def tries(self, obj):
        return len(obj.worker_ids)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnly):
    list_display = ("kind", "host", "pid", "worker_id", "started_at", "beat_at")
    ordering = ("-beat_at",)


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnly):
    list_display = ("name", "due_at", "last_enqueued_at", "last_worker_id")
    ordering = ("name",)
