# The Draft model moves from `cases` to `submissions` (the form in progress);
# its table `cases_draft` and every row in it stay as they are.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0012_committee_moved_to_organisation'),
        ('submissions', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='attachment',
                    name='draft',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='attachments', to='submissions.draft'),
                ),
                migrations.DeleteModel(
                    name='Draft',
                ),
            ],
            database_operations=[],
        ),
    ]
