"""The masked copy is drawn from data: what is secret is not in the PDF's
text layer at all, only the marker with its ground."""

import io
import uuid

import pytest
from pypdf import PdfReader

from etjanst.cases import messaging
from etjanst.cases.models import Case
from etjanst.diarium.actions import submit_document_request
from etjanst.diarium.redaction import Review, render_masked_pdf, review_items
from tests.diarium.world import SECRET_HEALTH, make_world

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def compact(text: str) -> str:
    # Text extraction may break lines anywhere: compare without whitespace.
    return "".join(text.split())


def test_secret_answers_files_and_messages_are_not_in_the_text_layer():
    world = make_world()
    case = world["case"]
    secret_message = messaging.send_message(
        case=case,
        body="Min läkare heter Doktor Hemligsson på vårdcentralen",
        from_staff=False,
        client_key=uuid.uuid4(),
    )
    request = submit_document_request(
        wanted=case.registration_number, delivery="post", submission_key=uuid.uuid4()
    )
    file_id = next(i.key for i in review_items(case, Review()) if i.kind == "file")[2:]
    review = Review(
        fields={"halsa": "OSL 21:1", "personnummer": "OSL 21:3"},
        files={file_id: "OSL 21:1"},
        messages={str(secret_message.pk): "OSL 25:1"},
    )
    text = compact(text_of(render_masked_pdf(case, review, request)))
    for secret in [SECRET_HEALTH, "Hemligsson", "intyg.png", case.answers["personnummer"]]:
        assert compact(secret) not in text
    assert "diabetes" not in text
    for ground in ["OSL 21:1", "OSL 21:3", "OSL 25:1"]:
        assert compact(f"[Sekretess enligt {ground}]") in text
    # What is not secret is there, and the original is untouched.
    assert "Storgatan1" in text
    assert compact("Tack, vi har fått din ansökan.") in text
    assert compact(case.registration_number) in text
    assert Case.objects.get(pk=case.pk).answers["halsa"] == SECRET_HEALTH


def test_without_secrecy_the_copy_holds_everything():
    world = make_world()
    case = world["case"]
    request = submit_document_request(
        wanted=case.registration_number, delivery="post", submission_key=uuid.uuid4()
    )
    text = compact(text_of(render_masked_pdf(case, Review(), request)))
    assert compact(SECRET_HEALTH) in text
    assert "intyg.png" in text
    assert "[Sekretess" not in text
    assert "Sida1av1" in text  # the page footer: the PDF stylesheet is applied
