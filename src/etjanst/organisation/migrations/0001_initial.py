# The committees and retention rules move here from `diarium` and `retention`
# (to untie the import cycle between the apps). The tables stay as they are:
# only Django's picture of which app owns them changes.

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Keep the permissions and admin history of the moved models."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for app_label, model in (("diarium", "committee"), ("retention", "retentionrule")):
        if not content_type.objects.filter(app_label="organisation", model=model).exists():
            content_type.objects.filter(app_label=app_label, model=model).update(
                app_label="organisation"
            )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("diarium", "0002_public_documents"),
        ("retention", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Committee",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, unique=True, verbose_name="namn")),
                        ("prefix", models.CharField(help_text="Står först i diarienumret, t.ex. KS för kommunstyrelsen.", max_length=20, unique=True, verbose_name="diarieprefix")),
                        ("registration_format", models.CharField(default="{prefix} {year}/{number:04}", help_text="Med {prefix}, {year} och {number}, t.ex. {prefix} {year}/{number:04}.", max_length=100, verbose_name="format för diarienummer")),
                    ],
                    options={
                        "verbose_name": "nämnd",
                        "verbose_name_plural": "nämnder",
                        "ordering": ["name"],
                        "db_table": "diarium_committee",
                    },
                ),
                migrations.CreateModel(
                    name="RetentionRule",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=200, verbose_name="namn")),
                        ("decision_reference", models.CharField(help_text='Beslutets diarienummer och punkt, t.ex. "KS 2024/0123, dokumenthanteringsplan 4.2".', max_length=200, verbose_name="gallringsbeslut")),
                        ("clock", models.CharField(choices=[("closed", "när ärendet avslutats"), ("submitted", "när ärendet kommit in")], max_length=20, verbose_name="tiden räknas")),
                        ("period_months", models.PositiveIntegerField(help_text="Till exempel 24 för två år.", verbose_name="gallras efter (månader)")),
                        ("committee", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="organisation.committee", verbose_name="nämnd")),
                    ],
                    options={
                        "verbose_name": "gallringsregel",
                        "verbose_name_plural": "gallringsregler",
                        "ordering": ["committee__name", "name"],
                        "db_table": "retention_retentionrule",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
