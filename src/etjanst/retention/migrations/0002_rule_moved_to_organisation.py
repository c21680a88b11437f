# The committees and retention rules now belong to `organisation` (the
# tables are unchanged): only Django's picture of the models changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('eservices', '0009_committee_and_rule_moved_to_organisation'),
        ('retention', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='RetentionRule',
                ),
            ],
            database_operations=[],
        ),
    ]
