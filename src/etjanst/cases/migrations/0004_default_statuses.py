"""The platform's default statuses, and every existing case given the first."""

from django.db import migrations, models
from django.db.models import F

# code, staff name, resident name, kind, may be followed by
DEFAULTS = [
    ("inkommet", "Inkommet", "Mottaget", "submitted", ["handlaggs", "avslutat"]),
    (
        "handlaggs",
        "Under handläggning",
        "Handläggs",
        "in_progress",
        ["komplettering", "avslutat"],
    ),
    (
        "komplettering",
        "Komplettering begärd",
        "Vi behöver mer information från dig",
        "waiting",
        ["handlaggs", "avslutat"],
    ),
    ("avslutat", "Avslutat", "Avslutat", "closed", ["handlaggs"]),
]


def create_defaults(apps, schema_editor):
    Status = apps.get_model("cases", "Status")
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    made = {}
    for order, (code, name, resident_name, kind, _next) in enumerate(DEFAULTS):
        made[code], _ = Status.objects.get_or_create(
            eservice=None,
            code=code,
            defaults={"name": name, "resident_name": resident_name, "kind": kind, "order": order},
        )
    for code, *_rest, following in DEFAULTS:
        made[code].next_statuses.set([made[c] for c in following])
    Case.objects.filter(status__isnull=True).update(
        status=made["inkommet"], status_changed_at=F("received_at")
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(case_id=pk, kind="received", status=made["inkommet"], at=at)
        for pk, at in Case.objects.values_list("pk", "received_at")
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0003_owners_statuses_drafts_messages")]

    operations = [
        migrations.RunPython(create_defaults, migrations.RunPython.noop),
    ]
