"""Reading cases through the API: the list, one case, the receipt, files,
and the access log the resident reads."""

import hashlib

import pytest

from etjanst.audit.models import AccessLogEntry
from etjanst.integrations.actions import create_client

pytestmark = pytest.mark.django_db


def test_a_case_reads_as_json_with_labels_choices_and_history(world, platina):
    case = world["ks_case"]
    response = platina.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["registration_number"] == case.registration_number
    assert body["committee"] == {"name": "Kommunstyrelsen", "prefix": "KS"}
    assert body["eservice"]["slug"] == "felanmalan"
    assert body["version"]["form"]["steps"][0]["id"] == "s"
    answers = {a["question_id"]: a for a in body["answers"]}
    assert answers["typ"]["label"] == "Vad gäller det?"
    assert answers["typ"]["type"] == "single_choice"
    assert answers["typ"]["value"] == "lampa"
    assert answers["typ"]["text"] == "Gatlampa"
    assert [h["status"]["code"] for h in body["status_history"]] == ["inkommet"]
    assert body["applicant"]["logged_in"] is True
    assert body["applicant"]["personnummer"] == case.sender_personnummer
    assert body["anonymous"] is False


def test_every_read_of_a_case_is_in_the_residents_access_log(world, platina):
    case = world["ks_case"]
    platina.get(f"/api/v1/cases/{case.pk}")
    entry = AccessLogEntry.objects.get(case_id=case.pk)
    assert entry.user_name == "Platina"
    assert entry.get_role_display() == "it-system"
    assert entry.kind == "view"


def test_the_list_shows_no_personal_data_and_writes_no_log(world, platina):
    response = platina.get("/api/v1/eservices/felanmalan/cases")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["registration_number"] for i in items] == [world["ks_case"].registration_number]
    assert "applicant" not in items[0]
    assert AccessLogEntry.objects.count() == 0


def test_each_list_item_is_the_case_it_links_to(world, platina):
    """The list is built from a few columns (not the whole case): each item
    still says what the case itself says, and links to it."""
    from tests.mypages import owned_case

    for n in range(12):
        owned_case(world["lampa"], answers={"rubrik": f"Lampa {n}", "typ": "lampa"})
    items = platina.get("/api/v1/eservices/felanmalan/cases?limit=10").json()["items"]
    assert len(items) == 10
    for item in items:
        assert item["url"] == f"/api/v1/cases/{item['id']}"
        case = platina.get(item["url"]).json()
        for key in ("registration_number", "received_at", "status_changed_at"):
            assert item[key] == case[key], key
        assert item["eservice"] == case["eservice"]["slug"] == "felanmalan"
        assert item["status"] == case["status"]


def test_attachments_come_with_their_sha256_and_download_logged(world, platina):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from etjanst.cases.messaging import send_message
    from tests.files import PNG_BYTES

    case = world["ks_case"]
    import uuid

    send_message(
        case=case,
        body="Här är en bild",
        from_staff=False,
        client_key=uuid.uuid4(),
        files=[SimpleUploadedFile("bild.png", PNG_BYTES, content_type="image/png")],
    )
    body = platina.get(f"/api/v1/cases/{case.pk}").json()
    [attachment] = body["attachments"]
    assert attachment["sha256"] == hashlib.sha256(PNG_BYTES).hexdigest()
    file = platina.get(attachment["url"])
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PNG_BYTES
    kinds = list(AccessLogEntry.objects.filter(case_id=case.pk).values_list("kind", flat=True))
    assert kinds == ["view", "file"]


def test_the_receipt_is_a_pdf(world, platina):
    response = platina.get(f"/api/v1/cases/{world['ks_case'].pk}/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_an_anonymous_case_has_no_applicant(world):
    import uuid

    from etjanst.cases.models import Case
    from etjanst.submissions.actions import submit_form

    case = submit_form(
        version=world["lampa"].current_version,
        answers={"rubrik": "Anonymt"},
        upload_owner="",
        submission_key=uuid.uuid4(),
    )
    Case.objects.filter(pk=case.pk).update(is_anonymous=True)
    _client, token = create_client(
        name="Ciceron", permissions=["read_cases"], eservices=[world["lampa"]]
    )
    from tests.api.conftest import Api

    body = Api(token).get(f"/api/v1/cases/{case.pk}").json()
    assert body["applicant"] is None
    assert body["anonymous"] is True
