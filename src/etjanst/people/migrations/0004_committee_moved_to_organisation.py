# The committees and retention rules now belong to `organisation` (the
# tables are unchanged): only Django's picture of the models changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisation', '0001_initial'),
        ('people', '0003_dataextract'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='staffaccess',
                    name='committee',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='organisation.committee', verbose_name='nämnd'),
                ),
            ],
            database_operations=[],
        ),
    ]
