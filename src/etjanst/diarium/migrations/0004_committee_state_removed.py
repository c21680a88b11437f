# The committees and retention rules now belong to `organisation` (the
# tables are unchanged): only Django's picture of the models changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0002_committee_moved_to_organisation'),
        ('cases', '0012_committee_moved_to_organisation'),
        ('diarium', '0003_committee_moved_to_organisation'),
        ('eservices', '0009_committee_and_rule_moved_to_organisation'),
        ('people', '0004_committee_moved_to_organisation'),
        ('retention', '0002_rule_moved_to_organisation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name='Committee',
                ),
            ],
            database_operations=[],
        ),
    ]
