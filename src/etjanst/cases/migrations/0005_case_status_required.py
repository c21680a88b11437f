"""Every case has a status from now on (a separate migration: PostgreSQL does
not alter a table with pending trigger events from the data migration)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_default_statuses")]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="status",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT,
                related_name="cases",
                to="cases.status",
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="status_changed_at",
            field=models.DateTimeField(verbose_name="status ändrad"),
        ),
    ]
