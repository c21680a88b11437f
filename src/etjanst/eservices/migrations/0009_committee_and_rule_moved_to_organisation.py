# The committees and retention rules now belong to `organisation` (the
# tables are unchanged): only Django's picture of the models changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('eservices', '0008_eservice_eid_loa'),
        ('organisation', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='eservice',
                    name='committee',
                    field=models.ForeignKey(help_text='Ärendena diarieförs i nämndens serie.', on_delete=django.db.models.deletion.PROTECT, related_name='eservices', to='organisation.committee', verbose_name='ansvarig nämnd'),
                ),
                migrations.AlterField(
                    model_name='eservice',
                    name='retention_rule',
                    field=models.ForeignKey(blank=True, help_text='Hur länge ärendena sparas. Krävs för att e-tjänsten ska kunna publiceras.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='eservices', to='organisation.retentionrule', verbose_name='gallringsregel'),
                ),
            ],
            database_operations=[],
        ),
    ]
