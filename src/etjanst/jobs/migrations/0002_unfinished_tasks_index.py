"""An index of unfinished tasks for every worker's look (every 10 s) at
stranded and overdue ones: the task table holds 14 days of finished tasks
(several per submission), and without it each look would read them all.
django-tasks-db's own index covers READY tasks only. Partial indexes exist on
PostgreSQL and SQLite alike."""

from django.db import migrations

TABLE = "django_tasks_database_dbtaskresult"


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_heartbeats_and_schedules"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX jobs_unfinished_task ON {TABLE} (status, started_at) "
            "WHERE status IN ('READY', 'RUNNING')",
            "DROP INDEX jobs_unfinished_task",
        )
    ]
