# The committees and retention rules now belong to `organisation` (the
# tables are unchanged): only Django's picture of the models changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0001_initial'),
        ('organisation', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='resource',
                    name='committee',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='organisation.committee', verbose_name='nämnd'),
                ),
            ],
            database_operations=[],
        ),
    ]
