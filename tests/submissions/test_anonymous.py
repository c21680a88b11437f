"""Anonymous submission: even logged in with BankID, the platform keeps no
contact details and no link to the person — not in the case, its events,
the logs, the e-mails, the PDF, the files or the background tasks."""

import io
import json
import logging
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from PIL import Image

from etjanst.cases.models import Case, CaseEvent
from etjanst.cases.receipts import ensure_receipt_pdf
from etjanst.people.models import Resident
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, submit
from tests.login import ANNA, log_in

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "synpunkt",
            "title": "Din synpunkt",
            "questions": [
                {"id": "text", "type": "long_text", "label": "Synpunkt", "required": True},
                {
                    "id": "bild",
                    "type": "file",
                    "label": "Bild",
                    "validation": {"file_types": ["jpeg"]},
                },
            ],
        },
        {
            "id": "du",
            "title": "Om dig",
            "questions": [
                {"id": "pnr", "type": "personnummer", "label": "Personnummer", "from_login": True},
                {"id": "kontakt", "type": "contact", "label": "Kontakt", "required": True},
            ],
        },
    ]
}


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (8, 8), "red")
    exif = Image.Exif()
    exif[0x013B] = "Anna Testsson"  # Artist
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def eservice():
    return EServiceFactory(
        form=FORM, login="optional", offers_anonymity=True, committee__prefix="KS"
    )


def start(client, eservice, choice):
    return client.post(reverse("portal:start", args=[eservice.slug]), {"anonymous": choice})


def test_anonymous_even_when_logged_in(
    client, eservice, mailbox, run_tasks, caplog, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path / "media")  # only this test's files, searched below
    photo = jpeg_with_exif()
    caplog.set_level(logging.DEBUG)
    log_in(client, ANNA)
    start(client, eservice, "yes")
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert "Synpunkt" in page
    upload = SimpleUploadedFile("anna_testsson_foto.jpg", photo)
    response = post_step(
        client, eservice, 1, {"q_text": "Det är mörkt vid badet.", "q_bild": upload}
    )
    # The step about the person is not asked: straight to the review.
    assert response["Location"] == reverse("portal:review", args=[eservice.slug])
    receipt = client.get(submit(client, eservice)["Location"]).content.decode()
    assert "Du skickade ärendet anonymt." in receipt
    assert "Mina sidor" in receipt  # ...that it cannot be followed there

    case = Case.objects.get()
    assert case.is_anonymous
    assert case.owner is None
    assert (case.sender_name, case.sender_personnummer) == ("", "")
    assert not Resident.objects.exists()
    assert "pnr" not in case.answers and "kontakt" not in case.answers
    attachment = case.attachments.get()
    assert attachment.original_name == "bilaga-1.jpg"
    with attachment.file.open("rb") as stored:
        data = stored.read()
    assert b"Anna" not in data
    assert not Image.open(io.BytesIO(data)).getexif()

    run_tasks()
    assert mailbox.messages == []
    pdf = ensure_receipt_pdf(case)
    with pdf.receipt_pdf.open("rb") as handle:
        assert b"%PDF" in handle.read(8)

    secrets = (ANNA.personnummer, "19810508-2393", "Anna", "Testsson", "anna_testsson")
    stored = json.dumps(
        [
            case.answers,
            list(CaseEvent.objects.values()),
            list(DBTaskResult.objects.values_list("args_kwargs", flat=True)),
        ],
        default=str,
        ensure_ascii=False,
    )
    for secret in secrets:
        assert secret not in stored
        assert secret not in caplog.text
    assert "Det är mörkt vid badet." in stored  # the check above looks at the right data

    # The whole database (after logging out: the login's session is gone) and every stored file.
    client.post(reverse("portal:logout"))
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    files = b"".join(p.read_bytes() for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())
    assert "Det är mörkt vid badet." in dump.getvalue()
    for secret in secrets:
        assert secret not in dump.getvalue()
        assert secret.encode() not in files
    log_in(client, ANNA)
    assert case.registration_number not in client.get(reverse("portal:my_cases")).content.decode()
    assert not Resident.objects.exists()


def test_not_anonymous_asks_everything_and_links_the_case(client, eservice):
    log_in(client, ANNA)
    start(client, eservice, "no")
    post_step(client, eservice, 1, {"q_text": "Hej"})
    page = client.get(reverse("portal:step", args=[eservice.slug, 2])).content.decode()
    assert "Personnummer" in page
    post_step(
        client,
        eservice,
        2,
        {
            "q_pnr": "19810508-2393",
            "q_kontakt__name": "Anna Testsson",
            "q_kontakt__email": "a@example.se",
        },
    )
    submit(client, eservice)
    case = Case.objects.get()
    assert not case.is_anonymous
    assert case.owner.personnummer == ANNA.personnummer


def test_the_choice_must_be_made(client, eservice):
    response = client.post(reverse("portal:start", args=[eservice.slug]))
    assert response["Location"].startswith(reverse("portal:intro", args=[eservice.slug]))
    page = client.get(response["Location"]).content.decode()
    assert "Svara på om du vill vara anonym" in page
    assert client.session.get("etjanst_forms", {}).get(eservice.slug) is None


def test_anonymity_and_signing_do_not_go_together():
    eservice = EServiceFactory(login="required", requires_signing=True, offers_anonymity=True)
    with pytest.raises(ValidationError):
        eservice.full_clean()
