"""Access: everything under Mina sidor is scoped to the logged-in person.
A second person tries every id of the first and gets 404; a draft is
reachable by nobody but its owner — no admin list, search or export shows it."""

import uuid

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etjanst.cases.models import Attachment, Message
from etjanst.submissions.models import Draft
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.filling import post_step, start
from tests.login import BERTIL, log_in
from tests.mypages import owned_case
from tests.staff_accounts import log_in_admin

pytestmark = pytest.mark.django_db

SECRET = "Hemligt utkast 7f3a"


@pytest.fixture
def annas(client):
    """Anna's case with a message and a file, and her draft with a file."""
    eservice = EServiceFactory(
        login="optional",
        form={
            "steps": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [
                        {"id": "rubrik", "type": "short_text", "label": "Rubrik"},
                        {"id": "bild", "type": "file", "label": "Bild"},
                    ],
                }
            ]
        },
    )
    case = owned_case(eservice, answers={"rubrik": "Annas ärende"})
    log_in(client)
    client.post(
        reverse("portal:my_case", args=[case.pk]),
        {
            "body": "Annas meddelande",
            "client_key": str(uuid.uuid4()),
            "files": [SimpleUploadedFile("anna.png", PNG_BYTES)],
        },
    )
    start(client, eservice)
    post_step(
        client,
        eservice,
        1,
        {
            "q_rubrik": SECRET,
            "q_bild": SimpleUploadedFile("utkastbild-7f3a.png", PNG_BYTES),
            "action": "save",
        },
    )
    client.post(reverse("portal:logout"))
    return {
        "eservice": eservice,
        "case": case,
        "message_file": Attachment.objects.get(message__isnull=False),
        "draft": Draft.objects.get(),
        "draft_file": Attachment.objects.get(draft__isnull=False),
    }


def test_another_person_gets_404_for_every_id(client, annas):
    case, draft = annas["case"], annas["draft"]
    bertils_case = owned_case(annas["eservice"], person=BERTIL)
    log_in(client, BERTIL)
    gets = [
        reverse("portal:my_case", args=[case.pk]),
        reverse("portal:my_case_pdf", args=[case.pk]),
        reverse("portal:my_attachment", args=[case.pk, annas["message_file"].pk]),
        # Her file through his own case:
        reverse("portal:my_attachment", args=[bertils_case.pk, annas["message_file"].pk]),
        reverse("portal:my_attachment", args=[bertils_case.pk, annas["draft_file"].pk]),
        reverse("portal:draft_delete", args=[draft.pk]),
        reverse("portal:pending_attachment", args=[annas["eservice"].slug, annas["draft_file"].pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        reverse("portal:my_case", args=[case.pk]),
        reverse("portal:draft_continue", args=[draft.pk]),
        reverse("portal:draft_delete", args=[draft.pk]),
    ]
    for url in posts:
        response = client.post(url, {"body": "Intrång", "client_key": str(uuid.uuid4())})
        assert response.status_code == 404, url
    assert Draft.objects.filter(pk=draft.pk).exists()
    assert not Message.objects.filter(body="Intrång").exists()
    for page in ("portal:my_pages", "portal:my_cases", "portal:my_drafts"):
        content = client.get(reverse(page)).content.decode()
        assert case.registration_number not in content
    assert "Du har inga sparade ärenden" in client.get(reverse("portal:my_drafts")).content.decode()


def test_nobody_logged_out_reaches_mina_sidor_objects(client, annas):
    for url in [
        reverse("portal:my_case", args=[annas["case"].pk]),
        reverse("portal:my_case_pdf", args=[annas["case"].pk]),
        reverse("portal:draft_delete", args=[annas["draft"].pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("portal:login"))


def test_no_admin_page_search_or_export_shows_a_draft(client, annas):
    staff = get_user_model().objects.create_superuser("admin", "admin@example.se", "pw-7f3a-long")
    log_in_admin(client, staff)
    assert Draft not in admin.site._registry
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        pages += [changelist, f"{changelist}?q=Hemligt", f"{changelist}?q=7f3a"]
    for url in pages:
        response = client.get(url, follow=True)  # a one-row model's list opens its row
        assert response.status_code == 200, url
        content = response.content.decode()
        assert SECRET not in content, url
        assert "utkastbild" not in content, url
    exported = client.post(
        reverse("admin:eservices_eservice_changelist"),
        {"action": "export_json", "_selected_action": [annas["eservice"].pk]},
    )
    assert exported.status_code == 200
    assert SECRET not in exported.content.decode()


def test_the_draft_exists_for_its_owner(client, annas):
    """The guard above would pass on an empty database: the draft is there."""
    log_in(client)
    page = client.get(reverse("portal:my_drafts")).content.decode()
    assert annas["eservice"].name in page
    response = client.post(reverse("portal:draft_continue", args=[annas["draft"].pk]))
    assert response.status_code == 302
    step = client.get(response["Location"]).content.decode()
    assert SECRET in step
