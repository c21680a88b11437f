"""After the purge, nothing the resident wrote is left anywhere: a unique
marker written into every place a resident's text can go (answers, the
sender, a message and its file name and content, a staff note, a legal hold
reason, a register extract, an old-style register description) is searched
for in every table of the database and every file in the storage."""

import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from etjanst.cases.messaging import send_message
from etjanst.cases.models import Case
from etjanst.people.actions import request_extract
from etjanst.people.extract import build
from etjanst.retention.actions import purge_due, set_legal_hold
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.mypages import owned_case
from tests.organisation.factories import CommitteeFactory, RetentionRuleFactory
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")
MARKER = "ZQ7MARKER" + uuid.uuid4().hex[:8].upper()

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Synpunkt",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik"},
                {"id": "text", "type": "long_text", "label": "Beskriv"},
                {"id": "kontakt", "type": "contact", "label": "Kontakt"},
            ],
        }
    ]
}


def database_dump() -> str:
    """Every row of every table, as text (a full dump, whatever the app)."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            # Table names from the database itself, quoted: no outside input.
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows += [f"{table}: {row!r}" for row in cursor.fetchall()]
    return "\n".join(rows)


def storage_hits() -> list[str]:
    hits = []
    for path in Path(settings.MEDIA_ROOT).rglob("*"):
        if MARKER in path.name or (path.is_file() and MARKER.encode() in path.read_bytes()):
            hits.append(str(path))
    return hits


def test_a_purged_case_keeps_no_text_of_the_residents(client, time_machine):
    time_machine.move_to(datetime(2026, 1, 1, 10, tzinfo=STOCKHOLM))
    committee = CommitteeFactory(name="Kommunstyrelsen", prefix="KS")
    rule = RetentionRuleFactory(committee=committee, clock="submitted", period_months=1)
    eservice = EServiceFactory(
        name="Synpunkter", committee=committee, retention_rule=rule, login="optional", form=FORM
    )
    case = owned_case(
        eservice,
        answers={
            "rubrik": f"Rubrik {MARKER}",
            "text": f"Lång text {MARKER}",
            "kontakt": {"name": f"Namn {MARKER}", "email": "anna@example.se"},
        },
    )
    # Registered before the description came from e-service texts alone:
    Case.objects.filter(pk=case.pk).update(description=f"Synpunkter: Rubrik {MARKER}")
    send_message(
        case=case,
        body=f"Meddelande {MARKER}",
        from_staff=False,
        client_key=uuid.uuid4(),
        files=[SimpleUploadedFile(f"{MARKER}.png", PNG_BYTES + MARKER.encode())],
    )
    officer = staff_user("kerstin", committee=committee)
    log_in_staff(client, officer)
    file = case.attachments.get()
    assert client.get(reverse("staff:attachment", args=[case.pk, file.pk])).status_code == 200
    client.post(reverse("staff:add_note", args=[case.pk]), {"body": f"Anteckning {MARKER}"})
    set_legal_hold(case=case, hold=True, reason=f"Spärr {MARKER}")
    set_legal_hold(case=case, hold=False)
    build(request_extract(owner=case.owner))  # a register extract, kept a week
    assert MARKER in database_dump()
    assert storage_hits(), "the file and the extract are in the storage"

    time_machine.move_to(datetime(2026, 3, 1, 10, tzinfo=STOCKHOLM))
    assert purge_due(by="test") == 1

    dump = database_dump()
    assert MARKER not in dump, [line for line in dump.splitlines() if MARKER in line][:5]
    assert storage_hits() == []
    case.refresh_from_db()
    assert case.purged_at is not None
    assert case.description == "Synpunkter"  # the e-service's own text stays
    assert case.registration_number in dump
