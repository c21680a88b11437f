# The Draft model moves from `cases` to `submissions` (the form in progress);
# its table `cases_draft` and every row in it stay as they are.

import django.db.models.deletion
import django.utils.timezone
import etjanst.submissions.models
import uuid
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="submissions", model="draft").exists():
        content_type.objects.filter(app_label="cases", model="draft").update(app_label="submissions")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0012_committee_moved_to_organisation'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('eservices', '0009_committee_and_rule_moved_to_organisation'),
        ('people', '0004_committee_moved_to_organisation'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Draft',
                    fields=[
                        ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        ('answers', models.JSONField(default=dict)),
                        ('completed_steps', models.JSONField(default=list)),
                        ('step_number', models.PositiveSmallIntegerField(default=1)),
                        ('upload_owner', models.CharField(max_length=64)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('saved_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('expires_at', models.DateTimeField(default=etjanst.submissions.models.draft_expiry)),
                        ('reminder_sent_at', models.DateTimeField(blank=True, null=True)),
                        ('eservice', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='eservices.eservice')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='drafts', to='people.resident')),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='eservices.eserviceversion')),
                    ],
                    options={
                        'verbose_name': 'utkast',
                        'verbose_name_plural': 'utkast',
                        'db_table': 'cases_draft',
                        'ordering': ['-saved_at'],
                        'indexes': [models.Index(fields=['expires_at'], name='draft_expires')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
