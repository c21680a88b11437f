"""An index on DailyDuration (day, measure) for the days at a period's ends
(statistics.rollup). Built CONCURRENTLY on PostgreSQL, so that recording
goes on while it is built during a rolling upgrade (docs/operations.md,
"Upgrades"); hence not atomic."""

from django.db import migrations, models

INDEX = models.Index(fields=["day", "measure"], name="daily_duration_day")


def add_index(apps, schema_editor):
    model = apps.get_model("statistics", "DailyDuration")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def remove_index(apps, schema_editor):
    model = apps.get_model("statistics", "DailyDuration")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("statistics", "0002_monthly"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="dailyduration", index=INDEX)],
            database_operations=[migrations.RunPython(add_index, remove_index)],
        ),
    ]
