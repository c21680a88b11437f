# The committees and retention rules now belong to `organisation` (the
# tables are unchanged): only Django's picture of the models changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('diarium', '0002_public_documents'),
        ('organisation', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='registrationcounter',
                    name='committee',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='counters', to='organisation.committee'),
                ),
                migrations.AlterField(
                    model_name='documentrequest',
                    name='committee',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='document_requests', to='organisation.committee'),
                ),
            ],
            database_operations=[],
        ),
    ]
