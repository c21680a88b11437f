# The committees and retention rules now belong to `organisation` (the
# tables are unchanged): only Django's picture of the models changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0011_case_not_purged'),
        ('organisation', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='case',
                    name='committee',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='organisation.committee', verbose_name='nämnd'),
                ),
            ],
            database_operations=[],
        ),
    ]
