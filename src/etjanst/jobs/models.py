from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult


class WorkerHeartbeat(models.Model):
    """A task worker that is alive: it writes `beat_at` every few seconds.
    A task RUNNING on a worker whose beat has stopped is stranded (the worker
    was killed, or its machine died) and is run again."""

    class Kind(models.TextChoices):
        TASKS = "tasks", _("bakgrundsjobb (db_worker)")
        BANKID = "bankid", _("BankID-hämtare (collect_bankid)")

    worker_id = models.CharField(_("process-id"), max_length=64, unique=True)
    kind = models.CharField(_("slag"), max_length=16, choices=Kind.choices, default=Kind.TASKS)
    host = models.CharField(_("värd"), max_length=255)
    pid = models.IntegerField(_("processnummer"))
    started_at = models.DateTimeField(_("startad"))
    beat_at = models.DateTimeField(_("senaste livstecken"), db_index=True)

    class Meta:
        verbose_name = _("arbetsprocess")
        verbose_name_plural = _("arbetsprocesser")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"


class ScheduledRun(models.Model):
    """When a scheduled job (settings.ETJANST_SCHEDULE) is next due. A worker
    that moves `due_at` forward (a compare-and-set UPDATE) enqueues the job's
    task in the same transaction: once per schedule, by exactly one worker."""

    name = models.CharField(_("namn"), max_length=64, unique=True)
    due_at = models.DateTimeField(_("nästa körning"))
    last_enqueued_at = models.DateTimeField(_("senast köad"), null=True, blank=True)
    last_worker_id = models.CharField(_("senast köad av"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("schemalagt jobb")
        verbose_name_plural = _("schemalagda jobb")

    def __str__(self) -> str:
        return self.name


class OverdueTask(DBTaskResult):
    """Background tasks past their deadline, for the admin list staff and
    operators look at (a proxy: the rows are django-tasks-db's)."""

    class Meta:
        proxy = True
        verbose_name = _("försenat bakgrundsjobb")
        verbose_name_plural = _("försenade bakgrundsjobb")
