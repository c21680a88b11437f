"""Attachments: stored under generated names, moved to the case, served
only to who may see them and only as downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from etjanst.cases.models import Attachment, Case
from tests.eservices.factories import EServiceFactory
from tests.files import PDF_BYTES, PNG_BYTES
from tests.filling import form_state, post_step, start, submit

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "filer",
            "title": "Filer",
            "questions": [
                {
                    "id": "bilagor",
                    "type": "file",
                    "label": "Bilagor",
                    "validation": {"file_types": ["png", "pdf"], "max_files": 3, "max_size_mb": 1},
                }
            ],
        }
    ]
}


@pytest.fixture
def eservice():
    return EServiceFactory(form=FORM, max_attachments_total_mb=1)


def attach(client, eservice, *files, remove=()):
    data = {"q_bilagor": list(files), "q_bilagor__remove": list(remove)}
    return post_step(client, eservice, 1, data, shown=["bilagor"])


def download(response) -> bytes:
    return b"".join(response.streaming_content)


def test_an_upload_is_stored_under_a_generated_name(client, eservice):
    start(client, eservice)
    response = attach(client, eservice, SimpleUploadedFile("../../etc/Min bild<1>.png", PNG_BYTES))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert "bild" not in attachment.file.name
    assert attachment.original_name == "Min bild1.png"
    assert attachment.content_type == "image/png"
    assert form_state(client, eservice)["answers"]["bilagor"][0]["id"] == str(attachment.pk)


def test_the_resident_can_download_their_pending_file_but_nobody_else(client, eservice):
    start(client, eservice)
    attach(client, eservice, SimpleUploadedFile("bild.png", PNG_BYTES))
    attachment = Attachment.objects.get()
    url = reverse("portal:pending_attachment", args=[eservice.slug, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert download(response) == PNG_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    other = Client()
    start(other, eservice)
    assert other.get(url).status_code == 404


def test_removing_a_file_deletes_it(client, eservice):
    start(client, eservice)
    attach(
        client,
        eservice,
        SimpleUploadedFile("a.png", PNG_BYTES),
        SimpleUploadedFile("b.pdf", PDF_BYTES),
    )
    first = Attachment.objects.get(original_name="a.png")
    attach(client, eservice, remove=[str(first.pk)])
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["b.pdf"]
    assert not first.file.storage.exists(first.file.name)


def test_the_total_size_per_case_is_limited(client, eservice):
    start(client, eservice)
    near_limit = PNG_BYTES + b"\0" * 600_000
    assert attach(client, eservice, SimpleUploadedFile("a.png", near_limit)).status_code == 302
    response = attach(client, eservice, SimpleUploadedFile("b.png", near_limit))
    assert response.status_code == 400
    assert "för stora tillsammans" in response.content.decode()
    assert Attachment.objects.count() == 1


def test_files_move_to_the_case_and_only_the_sender_can_read_them(client, eservice):
    start(client, eservice)
    attach(client, eservice, SimpleUploadedFile("bild.png", PNG_BYTES))
    receipt_url = submit(client, eservice)["Location"]
    case = Case.objects.get()
    attachment = case.attachments.get()
    assert attachment.upload_owner == ""
    url = reverse("portal:case_attachment", args=[eservice.slug, case.receipt_token, attachment.pk])
    response = client.get(url)
    assert download(response) == PNG_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    # The receipt link alone is not enough: another browser gets nothing.
    stranger = Client()
    assert stranger.get(receipt_url).status_code == 404
    assert stranger.get(url).status_code == 404
    assert (
        stranger.get(
            reverse("portal:receipt_pdf", args=[eservice.slug, case.receipt_token])
        ).status_code
        == 404
    )
    # The pending download is gone once the case is sent.
    assert (
        client.get(
            reverse("portal:pending_attachment", args=[eservice.slug, attachment.pk])
        ).status_code
        == 404
    )


def test_cancelling_deletes_the_files(client, eservice):
    start(client, eservice)
    attach(client, eservice, SimpleUploadedFile("bild.png", PNG_BYTES))
    stored = Attachment.objects.get().file
    response = client.post(reverse("portal:cancel", args=[eservice.slug]), follow=True)
    assert "Inget skickades in" in response.content.decode()
    assert Attachment.objects.count() == 0
    assert not stored.storage.exists(stored.name)
    assert form_state(client, eservice) is None


def test_abandoned_uploads_are_purged_but_sent_ones_are_kept(client, eservice, time_machine):
    from django.core.management import call_command

    time_machine.move_to("2026-11-01 10:00 +01:00")
    start(client, eservice)
    attach(client, eservice, SimpleUploadedFile("kvar.png", PNG_BYTES))
    submit(client, eservice)
    other = Client()
    start(other, eservice)
    attach(other, eservice, SimpleUploadedFile("overgiven.png", PNG_BYTES))
    abandoned = Attachment.objects.get(case__isnull=True).file
    time_machine.move_to("2026-11-02 09:00 +01:00")
    call_command("purge_abandoned_uploads")
    assert Attachment.objects.count() == 2  # not yet 24 hours
    time_machine.move_to("2026-11-02 11:00 +01:00")
    call_command("purge_abandoned_uploads")
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["kvar.png"]
    assert not abandoned.storage.exists(abandoned.name)
