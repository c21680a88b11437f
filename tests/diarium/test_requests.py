"""Requests for public documents: asked for without login or questions,
registered with a clock, tried for secrecy and answered with a masked copy,
a decision where something is withheld, and an append-only log."""

import io
import uuid
from datetime import datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from etjanst.audit.models import AccessLogEntry
from etjanst.cases.models import Case
from etjanst.diarium.actions import RequestInvalid, submit_document_request
from etjanst.diarium.models import DocumentRequest, Release, RequestStatus
from tests.conftest import csrf_token_from
from tests.diarium.world import SECRET_HEALTH, make_world
from tests.staff_accounts import log_in_staff

pytestmark = pytest.mark.django_db


def pdf_text(file) -> str:
    file.open("rb")
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file.read())).pages)
    finally:
        file.close()


def ask(client, **data):
    page = client.get(reverse("portal:document_request"))
    assert page.status_code == 200
    return client.post(
        reverse("portal:document_request"),
        {"key": page.context["key"], "csrfmiddlewaretoken": csrf_token_from(page), **data},
    )


def test_the_request_form_asks_nothing_about_who_asks_or_why(client):
    html = client.get(reverse("portal:document_request")).content.decode()
    assert "personnummer" not in html.lower()
    assert "varför" not in html.lower().replace("varför du vill ha", "")
    assert 'name="contact_name"' in html
    assert "required" not in html.split("<form", 1)[1]


def test_a_request_without_login_or_contact_details_is_handled_to_the_end(client):
    world = make_world()
    case = world["case"]
    response = ask(client, wanted=f"Jag vill läsa {case.registration_number}", delivery="on_site")
    assert response.status_code == 302
    request = DocumentRequest.objects.get()
    assert response["Location"] == reverse("portal:document_request_done", args=[request.pk])
    done = client.get(response["Location"])
    assert request.registration_number in done.content.decode()
    # Registered in the series of the asked document's committee, no contact details.
    assert request.committee == case.committee
    assert request.registration_number.startswith("TN ")
    assert (request.contact_name, request.contact_email, request.contact_address) == ("", "", "")

    log_in_staff(client, world["registrar"])
    listing = client.get(reverse("staff:document_requests")).content.decode()
    assert request.registration_number in listing
    detail = client.get(reverse("staff:document_request", args=[request.pk]))
    review_url = reverse("staff:document_review", args=[request.pk, case.pk])
    assert review_url in detail.content.decode()
    views_before = AccessLogEntry.objects.filter(case_id=case.pk).count()
    review = client.get(review_url)
    assert review.status_code == 200
    assert AccessLogEntry.objects.filter(case_id=case.pk).count() == views_before + 1
    items = {i.key: i for i in review.context["items"]}
    assert items["q-halsa"].ground == "OSL 21:1"  # preset from the form
    file_key = next(k for k in items if k.startswith("f-"))
    response = client.post(
        review_url,
        {"q-halsa": "OSL 21:1", file_key: "OSL 21:1", "q-gata": ""},
    )
    assert response.status_code == 302
    release = Release.objects.get()
    assert release.registration_number == case.registration_number
    assert release.user_name == world["registrar"].get_full_name()
    assert release.recipient == ""
    assert release.masked == [{"what": "field", "label": "Hälsotillstånd", "ground": "OSL 21:1"}]
    assert release.withheld == [{"what": "file", "label": "intyg.png", "ground": "OSL 21:1"}]
    assert release.released_files == []
    copy = pdf_text(release.masked_pdf)
    assert SECRET_HEALTH not in copy
    assert "diabetes" not in copy
    assert "intyg.png" not in copy
    assert "[Sekretess enligt OSL 21:1]" in copy
    assert "Storgatan 1" in copy
    decision = pdf_text(release.decision_pdf)
    assert "kammarrätten" in decision
    assert "tre veckor" in decision
    assert "OSL 21:1" in decision
    assert request.registration_number in decision
    # The original is untouched.
    assert Case.objects.get(pk=case.pk).answers["halsa"] == SECRET_HEALTH
    # The copies can be fetched again; the request is closed.
    copy_url = reverse("staff:release_pdf", args=[request.pk, release.pk, "kopia"])
    assert client.get(copy_url).status_code == 200
    client.post(reverse("staff:close_document_request", args=[request.pk]))
    request.refresh_from_db()
    assert request.status == RequestStatus.DONE


def test_release_without_secrets_needs_no_decision(client):
    world = make_world()
    case = world["case"]
    request = submit_document_request(
        wanted=case.registration_number, delivery="on_site", submission_key=uuid.uuid4()
    )
    log_in_staff(client, world["officer"])
    url = reverse("staff:document_review", args=[request.pk, case.pk])
    assert client.post(url, {"q-halsa": ""}).status_code == 302
    release = Release.objects.get()
    assert not release.decision_pdf
    assert SECRET_HEALTH in pdf_text(release.masked_pdf)
    assert [f["name"] for f in release.released_files] == ["intyg.png"]


def test_a_bad_ground_changes_nothing(client):
    world = make_world()
    case = world["case"]
    request = submit_document_request(wanted="x", delivery="on_site", submission_key=uuid.uuid4())
    request.committee = case.committee
    log_in_staff(client, world["registrar"])
    DocumentRequest.objects.filter(pk=request.pk).update(committee=case.committee)
    url = reverse("staff:document_review", args=[request.pk, case.pk])
    response = client.post(url, {"q-halsa": "<script>"})
    assert response.status_code == 400
    assert "Välj en sekretessgrund" in response.content.decode()
    assert not Release.objects.exists()


def test_release_by_email_sends_only_the_masked_copy(client, mailbox, run_tasks):
    world = make_world()
    case = world["case"]
    request = submit_document_request(
        wanted=f"Ärende {case.registration_number}",
        delivery="email",
        contact_email="fraga@example.se",
        submission_key=uuid.uuid4(),
    )
    log_in_staff(client, world["registrar"])
    url = reverse("staff:document_review", args=[request.pk, case.pk])
    items = {i.key for i in client.get(url).context["items"]}
    file_key = next(k for k in items if k.startswith("f-"))
    client.post(url, {"q-halsa": "OSL 21:1", file_key: "OSL 21:1"})
    run_tasks()
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "fraga@example.se"
    parts = [p for p in message.iter_attachments()]
    assert [p.get_filename() for p in parts] == ["kopia-maskerad.pdf", "beslut.pdf"]
    for part in parts:
        content = part.get_content()
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        assert "diabetes" not in text
    assert "diabetes" not in message.as_string()
    assert Release.objects.get().emailed_at is not None


def test_a_request_needs_what_is_wanted_and_a_form(client):
    response = ask(client, wanted="", delivery="fax", contact_email="inte-en-adress")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Skriv vilken handling du vill ha" in html
    assert "Välj hur du vill få handlingen" in html
    assert "namn@exempel.se" in html
    assert not DocumentRequest.objects.exists()
    with pytest.raises(RequestInvalid):
        submit_document_request(wanted=" ", delivery="post", submission_key=uuid.uuid4())


def test_the_same_request_sent_twice_is_registered_once(client):
    make_world()
    key = uuid.uuid4()
    first = submit_document_request(wanted="Protokoll", delivery="post", submission_key=key)
    again = submit_document_request(wanted="Protokoll", delivery="post", submission_key=key)
    assert first == again
    assert first.registration_number.startswith("KS ")  # no document named: KS


def test_the_confirmation_page_is_only_for_the_browser_that_asked(client):
    make_world()
    request = submit_document_request(wanted="x", delivery="post", submission_key=uuid.uuid4())
    url = reverse("portal:document_request_done", args=[request.pk])
    assert client.get(url).status_code == 404


def test_the_release_log_is_append_only():
    world = make_world()
    case = world["case"]
    request = submit_document_request(
        wanted=case.registration_number, delivery="on_site", submission_key=uuid.uuid4()
    )
    from etjanst.diarium.actions import release_documents
    from etjanst.diarium.redaction import Review

    release = release_documents(
        request=request, case=case, review=Review(), staff_user=world["registrar"], role="registrar"
    )
    release.recipient = "någon annan"
    with pytest.raises(ValueError):
        release.save()
    with pytest.raises(ValueError):
        release.delete()


def test_requests_waiting_more_than_a_working_day_stand_out(client, time_machine):
    world = make_world()
    time_machine.move_to(datetime.fromisoformat("2026-06-18T09:00:00+02:00"))  # Thursday
    request = submit_document_request(wanted="x", delivery="post", submission_key=uuid.uuid4())
    DocumentRequest.objects.filter(pk=request.pk).update(committee=world["tn"])

    def listing_at(moment: str):
        time_machine.move_to(datetime.fromisoformat(moment))
        log_in_staff(client, world["registrar"])
        return client.get(reverse("staff:document_requests"))

    assert "Försenad" not in listing_at("2026-06-18T16:00:00+02:00").content.decode()
    # Midsommarafton (Friday) and the weekend are not working days.
    response = listing_at("2026-06-22T08:00:00+02:00")
    assert response.context["rows"][0][1] == {"waited": 1, "overdue": False}
    assert "Försenad" not in response.content.decode()
    response = listing_at("2026-06-22T10:00:00+02:00")
    assert response.context["rows"][0][1] == {"waited": 1, "overdue": True}
    assert "Försenad" in response.content.decode()


def test_a_request_naming_a_number_in_short_form_finds_the_case(client):
    world = make_world()
    case = world["case"]
    short = f"{case.committee.prefix} {case.registration_year}/{case.registration_sequence}"
    request = submit_document_request(
        wanted=f"Kan jag få se {short}?", delivery="post", submission_key=uuid.uuid4()
    )
    assert request.committee == case.committee
    log_in_staff(client, world["registrar"])
    detail = client.get(reverse("staff:document_request", args=[request.pk]))
    assert detail.context["named"] == [case]


def test_a_case_marked_secret_as_a_whole_starts_with_everything_masked(client):
    from etjanst.diarium.actions import mark_secret

    world = make_world()
    case = world["case"]
    mark_secret(case=case, question_id="", ground="OSL 26:1", staff_user=None)
    request = submit_document_request(
        wanted=case.registration_number, delivery="post", submission_key=uuid.uuid4()
    )
    log_in_staff(client, world["registrar"])
    review = client.get(reverse("staff:document_review", args=[request.pk, case.pk]))
    grounds = {i.key.split("-")[0] + "-" + i.label: i.ground for i in review.context["items"]}
    assert grounds["q-Hälsotillstånd"] == "OSL 21:1"  # the answer's own ground wins
    assert grounds["q-Gata"] == "OSL 26:1"
    assert grounds["f-intyg.png"] == "OSL 26:1"
    assert all(i.ground for i in review.context["items"])
