"""The builder's test mode ("Testa e-tjänsten"): an administrator fills in
the draft on the resident's pages; a test run is never registered, never
reaches anyone, and only its administrator can reach it."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from etjanst.cases.models import Attachment, Case, CaseEvent
from etjanst.diarium.models import RegistrationCounter
from etjanst.eid.session import PERSON_KEY
from etjanst.eservices import builder
from etjanst.eservices.constants import Login
from etjanst.integrations.models import OutboxMessage
from etjanst.people.models import Resident
from etjanst.statistics.models import DailyCount, DailyDuration
from etjanst.submissions import actions, testmode
from etjanst.submissions.models import Draft
from etjanst.submissions.models import TestRun as Run
from tests.eservices.factories import EServiceFactory
from tests.files import PNG_BYTES
from tests.filling import post_step
from tests.organisation.factories import CommitteeFactory
from tests.prefill.conftest import (  # the Navet simulator's fixtures and test persons
    CHILDREN,
    GUARDIAN,
    PREFILL_FORM,
    navet,  # noqa: F401
    navet_simulator,  # noqa: F401
)
from tests.staff_accounts import log_in_staff, staff_user

PUBLISHED = {
    "steps": [
        {
            "id": "arende",
            "title": "Ditt ärende",
            "questions": [{"id": "rubrik", "type": "short_text", "label": "Rubrik"}],
        }
    ]
}
DRAFT = {
    "confirmation_email": True,
    "steps": [
        {
            "id": "arende",
            "title": "Ditt ärende",
            "questions": [
                {"id": "rubrik", "type": "short_text", "label": "Rubrik", "required": True},
                {"id": "barn", "type": "yes_no", "label": "Har du barn?"},
                {
                    "id": "antal",
                    "type": "number",
                    "label": "Hur många?",
                    "required": True,
                    "visible_if": {"question": "barn", "equals": "yes"},
                },
                {"id": "epost", "type": "email", "label": "E-postadress"},
            ],
        },
        {
            "id": "bilagor",
            "title": "Bilagor",
            "questions": [
                {"id": "karta", "type": "file", "label": "Karta", "file_types": ["png"]},
            ],
        },
    ],
}


@pytest.fixture
def eservice(db):
    committee = CommitteeFactory(prefix="BUN", name="Barn- och utbildningsnämnden")
    eservice = EServiceFactory(committee=committee, form=PUBLISHED, slug="skolskjuts")
    draft = builder.edit_draft(
        eservice=eservice, actor=None, token="2:0", change=lambda form: _replace(form, DRAFT)
    )
    assert draft.published_at is None and draft.number == 2
    return eservice


def _replace(form: dict, new: dict) -> str:
    form.clear()
    form.update(new)
    return "Nytt formulär"


@pytest.fixture
def manager(eservice):
    return staff_user("forvaltare", role="eservice_manager", committee=eservice.committee)


@pytest.fixture
def admin_client(client, manager):
    log_in_staff(client, manager)
    return client


def start_test(client, eservice, person="") -> None:
    response = client.post(reverse("staff:builder_test", args=[eservice.pk]), {"person": person})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("portal:intro", args=[eservice.slug])


def fill_in(client, eservice) -> None:
    response = client.post(reverse("portal:start", args=[eservice.slug]))
    assert response.status_code == 302
    response = post_step(client, eservice, 1, {"q_rubrik": "Skolskjuts", "q_barn": "yes",
                                               "q_antal": "2", "q_epost": "anna@example.se"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    picture = SimpleUploadedFile("karta.png", PNG_BYTES, content_type="image/png")
    response = post_step(client, eservice, 2, {"q_karta": picture}, shown=["karta"])
    assert response.status_code == 302, response.content.decode()


def send(client, eservice):
    review = client.get(reverse("portal:review", args=[eservice.slug]))
    assert review.status_code == 200
    return client.post(
        reverse("portal:review", args=[eservice.slug]),
        {"submission_key": review.context["submission_key"]},
    )


def test_a_test_run_fills_in_the_draft_and_skicka_registers_nothing(
    admin_client, eservice, django_capture_on_commit_callbacks
):
    start_test(admin_client, eservice)
    intro = admin_client.get(reverse("portal:intro", args=[eservice.slug]))
    assert "Testläge" in intro.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # what statistics would record
        fill_in(admin_client, eservice)
    assert Attachment.objects.count() == 1  # the file was stored as for real ...
    step = admin_client.get(reverse("portal:step", args=[eservice.slug, 1]))
    assert "Testläge" in step.content.decode()
    assert "Hur många?" in step.content.decode()  # the draft's question, not the published form's

    with django_capture_on_commit_callbacks(execute=True):
        response = send(admin_client, eservice)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:test_receipt", args=[eservice.slug])
    assert not Case.objects.exists()
    assert not CaseEvent.objects.exists()
    assert not RegistrationCounter.objects.exists()  # no registration number was taken
    assert not DBTaskResult.objects.exists()  # no receipt, notice or e-mail queued
    assert not OutboxMessage.objects.exists()  # no webhook
    assert not DailyCount.objects.exists()  # no statistics: not a start, a step nor a sending
    assert not DailyDuration.objects.exists()
    assert mail.outbox == []
    assert not Attachment.objects.exists()  # ... and is gone with the test
    assert not Draft.objects.exists() and not Resident.objects.exists()

    receipt = admin_client.get(response["Location"])
    page = receipt.content.decode()
    assert receipt.status_code == 200
    assert "Testläge" in page and "inget skickades in" in page
    assert "BUN 2026/0001" in page or f"BUN {timezone.localdate().year}/0001" in page
    assert "Hade skickats till anna@example.se" in page
    assert "Skolskjuts" in page and "karta.png" in page


def test_a_test_run_shows_the_same_problems_as_a_real_sending(admin_client, eservice):
    start_test(admin_client, eservice)
    fill_in(admin_client, eservice)
    # The administrator adds a required question while testing: Skicka finds it.
    _form, token = builder.working_form(eservice)
    builder.edit_draft(
        eservice=eservice,
        actor=None,
        token=token,
        change=lambda f: (
            f["steps"][0]["questions"].append(
                {"id": "skola", "type": "short_text", "label": "Skola", "required": True}
            )
            or "Ny fråga"
        ),
    )
    response = send(admin_client, eservice)
    assert response.status_code == 400
    assert "Skola" in response.content.decode() and "Testläge" in response.content.decode()
    assert not Run.objects.filter(sent_at__isnull=False).exists()
    assert not Case.objects.exists()


def test_spara_in_a_test_run_keeps_no_draft(admin_client, eservice):
    start_test(admin_client, eservice, person="194105199121")
    admin_client.post(reverse("portal:start", args=[eservice.slug]))
    response = admin_client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_rubrik": "Skolskjuts", "action": "save", "shown": ["rubrik"]},
    )
    assert response.status_code == 302
    assert not Draft.objects.exists() and not Resident.objects.exists()
    step = admin_client.get(response["Location"])
    assert "I testläge sparas inget" in step.content.decode()
    assert 'value="save"' not in step.content.decode()


def test_the_pipeline_refuses_a_test_form(admin_client, eservice, manager, rf):
    start_test(admin_client, eservice)
    admin_client.post(reverse("portal:start", args=[eservice.slug]))
    session = admin_client.session
    run = Run.objects.get()
    form = testmode.test_form(session, run)
    assert form.is_test
    with pytest.raises(actions.NeverInTestMode):
        actions.submit_from_session(form=form, person=None)
    with pytest.raises(actions.NeverInTestMode):
        actions.prepare_signing(form=form, person=testmode.run_person(run))
    assert not Case.objects.exists() and not RegistrationCounter.objects.exists()


def test_the_test_person_is_never_a_login(admin_client, eservice):
    eservice.login = Login.REQUIRED
    eservice.save()
    start_test(admin_client, eservice, person="194105199121")
    intro = admin_client.get(reverse("portal:intro", args=[eservice.slug]))
    assert "Testar som Anna Andersson" in intro.content.decode()
    admin_client.post(reverse("portal:start", args=[eservice.slug]))
    assert PERSON_KEY not in admin_client.session  # the test person is no login
    # The published e-service's pages outside the run: nobody is logged in.
    other = EServiceFactory(form=PUBLISHED)
    page = admin_client.get(reverse("portal:intro", args=[other.slug])).content.decode()
    assert "Anna Andersson" not in page and "Testläge" not in page


def test_a_login_required_eservice_needs_a_test_person(admin_client, eservice):
    eservice.login = Login.REQUIRED
    eservice.save()
    response = admin_client.post(reverse("staff:builder_test", args=[eservice.pk]), {"person": ""})
    assert response.status_code == 400
    assert "Välj en testperson" in response.content.decode()
    assert not Run.objects.exists()


def test_only_skatteverkets_test_persons_can_be_chosen(admin_client, eservice):
    response = admin_client.post(
        reverse("staff:builder_test", args=[eservice.pk]), {"person": "199001011234"}
    )
    assert response.status_code == 400
    assert not Run.objects.exists()


def test_avsluta_testet_deletes_the_run_and_its_answers(admin_client, eservice):
    start_test(admin_client, eservice)
    fill_in(admin_client, eservice)
    response = admin_client.post(reverse("portal:test_end", args=[eservice.slug]))
    assert response["Location"] == reverse("staff:builder_eservice", args=[eservice.pk])
    assert not Run.objects.exists() and not Attachment.objects.exists()
    # The intro is the published one again (no banner).
    intro = admin_client.get(reverse("portal:intro", args=[eservice.slug]))
    assert "Testläge" not in intro.content.decode()


@pytest.mark.parametrize("who", ["officer", "other_manager", "resident", "unverified"])
def test_nobody_else_reaches_a_test_run_or_the_draft(client, eservice, manager, who):
    """Even with the test run's id put in their session, a resident, an
    officer, an administrator of another committee or one who did not give
    the one-time code never sees the draft (the e-service has none
    published here, so its pages are simply not found)."""
    draft_only = EServiceFactory(form=False, committee=eservice.committee, slug="bara-utkast")
    builder.edit_draft(
        eservice=draft_only, actor=None, token="1:0", change=lambda f: _replace(f, DRAFT)
    )
    run = testmode.start_test_run(
        session=client.session, eservice=draft_only, actor=manager, personnummer=""
    )
    if who == "officer":
        log_in_staff(client, staff_user("hanna", committee=eservice.committee))
    elif who == "other_manager":
        log_in_staff(
            client, staff_user("olle", role="eservice_manager", committee=CommitteeFactory())
        )
    elif who == "unverified":
        client.force_login(manager)  # password, no one-time code
    session = client.session
    session[testmode.TEST_RUNS_KEY] = {draft_only.slug: str(run.pk)}
    session.save()
    for name, args in (
        ("portal:intro", [draft_only.slug]),
        ("portal:step", [draft_only.slug, 1]),
        ("portal:review", [draft_only.slug]),
        ("portal:test_receipt", [draft_only.slug]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("portal:start", args=[draft_only.slug])).status_code == 404
    assert client.post(reverse("portal:test_end", args=[draft_only.slug])).status_code == 404
    assert Run.objects.filter(pk=run.pk).exists()
    if who != "resident":
        response = client.get(reverse("staff:builder_test", args=[draft_only.pk]))
        assert response.status_code in (302, 403, 404)


def test_test_runs_are_deleted_after_a_day(admin_client, eservice):
    start_test(admin_client, eservice)
    fill_in(admin_client, eservice)
    assert testmode.expire_test_runs() == 0
    later = timezone.now() + datetime.timedelta(hours=24, minutes=1)
    assert testmode.expire_test_runs(now=later) == 1
    assert not Run.objects.exists() and not Attachment.objects.exists()


@pytest.mark.usefixtures("navet")
def test_a_test_person_is_prefilled_from_the_navet_simulator(db, client):
    """Chosen in the builder, the test person's name, address and children
    come from the population register (the Navet simulator over mutual
    TLS), as after a real BankID login, and the case facts name them."""
    eservice = EServiceFactory(form=False, login=Login.REQUIRED, slug="med-forifyllning")
    builder.edit_draft(
        eservice=eservice, actor=None, token="1:0", change=lambda f: _replace(f, PREFILL_FORM)
    )
    log_in_staff(client, staff_user("frida", role="eservice_manager", committee=eservice.committee))
    start_test(client, eservice, person=GUARDIAN)
    client.post(reverse("portal:start", args=[eservice.slug]))
    step = client.get(reverse("portal:step", args=[eservice.slug, 1])).content.decode()
    assert "Olof Åberg" in step and "Testläge" in step
    client.post(
        reverse("portal:step", args=[eservice.slug, 1]),
        {"q_kontakt__name": "Olof Åberg", "q_kontakt__email": "olof@example.se",
         "shown": ["namn", "adress", "kontakt"]},
    )  # fmt: skip
    step2 = client.get(reverse("portal:step", args=[eservice.slug, 2])).content.decode()
    assert CHILDREN[0] in step2  # the children in the test person's custody
    assert PERSON_KEY not in client.session
    assert not Resident.objects.exists()


def test_an_eservice_with_signing_is_tested_without_a_bankid_round_trip(admin_client, eservice):
    eservice.login = Login.REQUIRED
    eservice.requires_signing = True
    eservice.save()
    start_test(admin_client, eservice, person="197601212397")
    fill_in(admin_client, eservice)
    signed = admin_client.get(reverse("portal:submit_signed", args=[eservice.slug]))
    assert signed["Location"] == reverse("portal:review", args=[eservice.slug])
    response = send(admin_client, eservice)
    assert response["Location"] == reverse("portal:test_receipt", args=[eservice.slug])
    page = admin_client.get(response["Location"]).content.decode()
    assert "I testläge hoppas underskriften över" in page
    assert "Olof Åberg (19760121-XXXX)" in page
    assert not Case.objects.exists() and not Resident.objects.exists()


def test_the_confirmation_goes_only_to_the_administrator_when_asked(
    admin_client, eservice, manager, django_capture_on_commit_callbacks, run_tasks
):
    response = admin_client.post(
        reverse("staff:builder_test", args=[eservice.pk]), {"person": "", "email_me": "on"}
    )
    assert response.status_code == 302
    fill_in(admin_client, eservice)
    with django_capture_on_commit_callbacks(execute=True):
        send(admin_client, eservice)
    run_tasks()
    assert [m.to for m in mail.outbox] == [[manager.email]]  # never anna@example.se
    message = mail.outbox[0]
    assert message.subject.startswith("[Test] Ditt ärende BUN ")
    assert "DET HÄR ÄR ETT TEST" in message.body and "anna@example.se" in message.body
    assert not Case.objects.exists()


def test_a_test_run_never_leads_to_a_real_login(admin_client, eservice):
    """The e-service came to require a login after the test started without
    one: the test goes back to the builder, not to the login page."""
    start_test(admin_client, eservice)
    admin_client.post(reverse("portal:start", args=[eservice.slug]))
    eservice.login = Login.REQUIRED
    eservice.save()
    response = admin_client.get(reverse("portal:step", args=[eservice.slug, 1]))
    assert response["Location"] == reverse("staff:builder_test", args=[eservice.pk])
