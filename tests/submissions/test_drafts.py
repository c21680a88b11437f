"""Spara: a logged-in resident's private draft, continued later from Mina
sidor, deleted, expired with a reminder, and kept on its own version."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etjanst.cases.models import Attachment, Case
from etjanst.eservices import actions as eservice_actions
from etjanst.people.models import Resident
from etjanst.submissions import drafts
from etjanst.submissions.actions import purge_abandoned_uploads
from etjanst.submissions.models import Draft
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.filling import form_state, post_step, start, submit
from tests.login import ANNA, BERTIL, log_in

pytestmark = pytest.mark.django_db

FORM = {
    "steps": [
        {
            "id": "om",
            "title": "Om ärendet",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True},
                {"id": "antal", "type": "number", "label": "Antal"},
                {"id": "epost", "type": "email", "label": "E-postadress"},
            ],
        },
        {
            "id": "mer",
            "title": "Mer",
            "questions": [
                {"id": "bild", "type": "file", "label": "Bild"},
                {"id": "text", "type": "long_text", "label": "Beskrivning", "required": True},
            ],
        },
    ]
}


@pytest.fixture
def eservice():
    return EServiceFactory(form=FORM, login="optional")


def save(client, eservice, number, data, **extra):
    return post_step(client, eservice, number, {**data, "action": "save"}, **extra)


def continue_draft(client, draft):
    return client.post(reverse("portal:draft_continue", args=[draft.pk]))


def test_save_leave_log_in_again_continue_and_submit(client, eservice):
    log_in(client)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Trasig lampa", "q_epost": "anna@example.se"})
    response = save(
        client, eservice, 2, {"q_text": "", "q_bild": SimpleUploadedFile("lampa.png", PNG_BYTES)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:step", args=[eservice.slug, 2])
    page = client.get(response["Location"]).content.decode()
    assert (
        "Ditt ärende sparades! Om du vill fortsätta senare hittar du det under Mina sidor." in page
    )

    draft = Draft.objects.get()
    assert draft.owner.personnummer == ANNA.personnummer
    assert draft.answers["rubrik"] == "Trasig lampa"
    assert draft.step_number == 2
    # The required, empty description was not a reason to refuse saving,
    # but the file of the unfinished step was not kept either.
    assert "bild" not in draft.answers

    client.post(reverse("portal:logout"))
    assert form_state(client, eservice) is None
    log_in(client)
    listing = client.get(reverse("portal:my_drafts")).content.decode()
    assert eservice.name in listing
    response = continue_draft(client, draft)
    assert response["Location"] == reverse("portal:step", args=[eservice.slug, 2])
    assert client.get(response["Location"]).status_code == 200
    post_step(client, eservice, 2, {"q_text": "Lampan i trappan är trasig."})
    response = submit(client, eservice)
    assert response.status_code == 302

    case = Case.objects.get()
    assert case.owner == draft.owner
    assert case.answers["rubrik"] == "Trasig lampa"
    assert not Draft.objects.exists()
    assert case.status.code == "inkommet"


def test_files_are_kept_with_the_draft_and_move_to_the_case(client, eservice, time_machine):
    time_machine.move_to("2026-11-01 10:00 +01:00")
    log_in(client)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Med bild"})
    save(
        client,
        eservice,
        2,
        {"q_text": "Se bilden.", "q_bild": SimpleUploadedFile("bild.png", PNG_BYTES)},
    )
    draft = Draft.objects.get()
    attachment = Attachment.objects.get()
    assert attachment.draft == draft
    client.post(reverse("portal:logout"))

    time_machine.move_to("2026-11-05 10:00 +01:00")
    assert purge_abandoned_uploads() == 0  # a draft's file is not abandoned
    log_in(client)
    continue_draft(client, draft)
    response = submit(client, eservice)
    assert response.status_code == 302
    attachment.refresh_from_db()
    assert attachment.case == Case.objects.get()
    assert attachment.draft is None


def test_the_save_button_is_only_for_logged_in_residents(client, eservice):
    start(client, eservice)
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert 'value="save"' not in page
    response = save(client, eservice, 1, {"q_rubrik": "Utan inloggning"})
    assert response.status_code == 302
    assert not Draft.objects.exists()

    log_in(client)
    page = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert 'value="save"' in page


def test_saving_keeps_what_is_valid_and_says_what_was_not_saved(client, eservice):
    log_in(client)
    start(client, eservice)
    response = save(client, eservice, 1, {"q_rubrik": "Bra rubrik", "q_antal": "inte ett tal"})
    assert response.status_code == 302
    draft = Draft.objects.get()
    assert draft.answers == {"rubrik": "Bra rubrik"}
    assert draft.completed_steps == []
    page = client.get(response["Location"]).content.decode()
    assert "sparades inte" in page
    # Going on still needs the step to be valid.
    response = post_step(client, eservice, 1, {"q_rubrik": "Bra rubrik", "q_antal": "x"})
    assert response.status_code == 400


def test_saving_again_updates_the_same_draft(client, eservice):
    log_in(client)
    start(client, eservice)
    save(client, eservice, 1, {"q_rubrik": "Först"})
    save(client, eservice, 1, {"q_rubrik": "Sedan"})
    assert Draft.objects.get().answers["rubrik"] == "Sedan"


def test_delete_a_draft_with_its_files(client, eservice):
    log_in(client)
    start(client, eservice)
    post_step(client, eservice, 1, {"q_rubrik": "Ta bort mig"})
    save(client, eservice, 2, {"q_text": "x", "q_bild": SimpleUploadedFile("b.png", PNG_BYTES)})
    draft = Draft.objects.get()
    stored = Attachment.objects.get()
    path = stored.file.path
    confirm = client.get(reverse("portal:draft_delete", args=[draft.pk]))
    assert confirm.status_code == 200
    assert Draft.objects.exists()  # a GET only asks
    response = client.post(reverse("portal:draft_delete", args=[draft.pk]))
    assert response.status_code == 302
    assert not Draft.objects.exists()
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)
    # The form in the browser that continued the draft is gone too.
    assert form_state(client, eservice) is None


def test_expiry_and_a_reminder_a_week_before(client, eservice, time_machine, mailbox, run_tasks):
    time_machine.move_to("2026-01-10 12:00 +01:00")
    log_in(client)
    start(client, eservice)
    save(client, eservice, 1, {"q_rubrik": "Hemlig rubrik", "q_epost": "anna@example.se"})
    draft = Draft.objects.get()
    assert draft.expires_at.date().isoformat() == "2026-04-10"  # 90 days

    time_machine.move_to("2026-04-02 12:00 +02:00")  # more than a week left
    assert drafts.remind_expiring_drafts() == 0
    time_machine.move_to("2026-04-04 12:00 +02:00")
    assert drafts.remind_expiring_drafts() == 1
    assert drafts.remind_expiring_drafts() == 0  # once
    run_tasks()
    mail = mailbox.wait_for(1)[0]
    body = mail.get_body(("plain",)).get_content()
    assert mail["To"] == "anna@example.se"
    assert "10 april 2026" in body
    assert "/mina-sidor/arenden/ej-inskickade/" in body
    for secret in ("Hemlig rubrik", eservice.name, ANNA.personnummer, "Anna"):
        assert secret not in body

    assert drafts.expire_drafts() == 0
    time_machine.move_to("2026-04-10 13:01 +02:00")  # 90 × 24 h, across summer time
    assert drafts.expire_drafts() == 1
    assert not Draft.objects.exists()


def test_retention_is_set_per_eservice(client):
    eservice = EServiceFactory(form=FORM, login="optional", draft_retention_days=14)
    log_in(client)
    start(client, eservice)
    save(client, eservice, 1, {"q_rubrik": "Kort tid"})
    draft = Draft.objects.get()
    assert (draft.expires_at - draft.saved_at).days == 14


def test_a_new_version_meanwhile(client, eservice):
    log_in(client)
    start(client, eservice)
    save(client, eservice, 1, {"q_rubrik": "Gammal version"})
    draft = Draft.objects.get()
    old = draft.version
    changed = {**FORM, "steps": [FORM["steps"][0]]}
    eservice_actions.add_version(eservice=eservice, form=changed, publish=True)
    client.post(reverse("portal:logout"))

    log_in(client)
    response = continue_draft(client, draft)
    page = client.get(response["Location"]).content.decode()
    assert "E-tjänsten har ändrats sedan du sparade" in page
    assert form_state(client, eservice)["version"] == old.pk

    old.accepts_drafts = False
    old.save()
    response = continue_draft(client, draft)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Det sparade ärendet kan inte skickas in" in page
    assert "Gammal version" in page  # nothing is lost: the answers are shown
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_the_intro_page_points_to_a_saved_draft(client, eservice):
    log_in(client)
    start(client, eservice)
    save(client, eservice, 1, {"q_rubrik": "Pågår"})
    client.post(reverse("portal:cancel", args=[eservice.slug]))
    assert Draft.objects.exists()  # Avbryt on a saved form keeps the draft
    page = client.get(reverse("portal:intro", args=[eservice.slug])).content.decode()
    assert "Fortsätt med det sparade ärendet" in page
    log_in(client, BERTIL)
    page = client.get(reverse("portal:intro", args=[eservice.slug])).content.decode()
    assert "Fortsätt med det sparade ärendet" not in page


def test_a_resident_is_stored_only_when_needed(client, eservice):
    log_in(client)
    client.get(reverse("portal:my_pages"))
    start(client, eservice)
    assert not Resident.objects.exists()
    save(client, eservice, 1, {"q_rubrik": "Nu"})
    assert Resident.objects.get().name == "Anna Testsson"


def test_a_draft_of_a_closed_eservice_says_so_kindly(client, eservice):
    from tests.content.factories import OperatingMessageFactory

    log_in(client)
    start(client, eservice)
    save(client, eservice, 1, {"q_rubrik": "Vänta"})
    draft = Draft.objects.get()
    client.post(reverse("portal:cancel", args=[eservice.slug]))
    OperatingMessageFactory(
        closing=True, eservice=eservice, text="Vi byter system. Öppet igen på måndag."
    )
    response = continue_draft(client, draft)
    assert response["Location"] == reverse("portal:my_drafts")
    page = client.get(response["Location"]).content.decode()
    assert "är stängd just nu. Ditt sparade ärende finns kvar." in page
    assert "Vi byter system. Öppet igen på måndag." in page
    assert form_state(client, eservice) is None
    assert Draft.objects.filter(pk=draft.pk).exists()
