"""The register extract holds every kind of personal data the platform keeps
about a person: one of each is made, and each is found in the JSON and the
PDF. A new table that points at a resident makes this test fail until the
extract covers it."""

import datetime
import io
import json
import uuid

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from etjanst.bookings.actions import book_slot
from etjanst.bookings.schedule import free_slots
from etjanst.cases.messaging import send_message
from etjanst.people.actions import resident_for
from etjanst.people.extract import sections
from etjanst.people.models import DataExtract, Resident
from tests.bookings.factories import ResourceFactory
from tests.eservices.factories import EServiceFactory
from tests.filling import post_step, start
from tests.login import ANNA, log_in
from tests.mypages import owned_case
from tests.staff_accounts import log_in_staff, staff_user

pytestmark = pytest.mark.django_db

# Every model with a relation to a resident, and the extract section that
# covers it. (DataExtract is the extract itself.)
COVERED = {
    "submissions.Draft": "drafts",
    "cases.Case": "cases",
    "bookings.Booking": "bookings",
    "people.DataExtract": None,
}


def test_every_table_about_a_resident_has_a_section():
    pointing = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is Resident
    }
    assert pointing == set(COVERED), "Add the new table to the register extract"
    assert {s for s in COVERED.values() if s} | {"access_log"} <= set(sections)


def test_one_of_each_kind_is_in_the_json_and_the_pdf(client, run_tasks):
    eservice = EServiceFactory(login="optional", name="Synpunkter")
    case = owned_case(eservice, answers={"rubrik": "Fallets-markör-1"})
    send_message(case=case, body="Meddelande-markör-2", from_staff=True, client_key=uuid.uuid4())
    officer = staff_user(
        "siv", committee=eservice.committee, first_name="Siv", last_name="Markör-3"
    )
    log_in_staff(client, officer)
    client.get(reverse("staff:case", args=[case.pk]))  # an access-log row
    client.logout()
    resource = ResourceFactory(name="Rådgivning-markör-4")
    today = timezone.localdate()
    slot = free_slots(
        resource, today + datetime.timedelta(days=2), today + datetime.timedelta(days=9)
    )[0]
    book_slot(
        resource=resource, starts_at=slot.starts_at, resident=resident_for(person=ANNA),
        name="Anna", email="bokning-markor-5@example.se",
    )  # fmt: skip

    log_in(client, ANNA)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Utkast-markör-6", "action": "save"})
    client.post(reverse("portal:my_data"))
    run_tasks()
    extract = DataExtract.objects.get()

    data = json.loads(
        b"".join(client.get(reverse("portal:my_data_json", args=[extract.pk])).streaming_content)
    )
    text = json.dumps(data, ensure_ascii=False)
    pdf = client.get(reverse("portal:my_data_pdf", args=[extract.pk]))
    reader = PdfReader(io.BytesIO(b"".join(pdf.streaming_content)))
    pdf_text = " ".join(page.extract_text() for page in reader.pages)
    for marker in (
        "Fallets-markör-1",
        "Meddelande-markör-2",
        "Markör-3",
        "Rådgivning-markör-4",
        "bokning-markor-5@example.se",
        "Utkast-markör-6",
    ):
        assert marker in text, marker
        assert marker in "".join(pdf_text.split()), (marker, pdf_text)
    assert data["bookings"][0]["resource"] == "Rådgivning-markör-4"
