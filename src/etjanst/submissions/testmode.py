"""The builder's test mode ("Testa e-tjänsten"): an e-service administrator
fills in the draft version exactly as a resident would (the same pages, the
same `actions.record_step`, validation, conditions, files and review), as
someone not logged in or as one of Skatteverket's test persons.

A test run is never registered. `actions` refuses a test form everywhere it
would leave the test (`actions.NeverInTestMode`: no draft, no signing, no
case); Skicka comes here instead and computes the case facts as the pipeline
would, to show what would have happened. Nothing reaches the inbox, the
register, the API, webhooks, statistics or anyone's e-mail. A run lives in
the administrator's session (`TEST_RUNS_KEY`), is reached only through
`TestRun.objects.usable_by(user)`, and is deleted a day after it started
(`expire_test_runs`, a nightly job)."""

import logging
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from etjanst.diarium.models import RegistrationCounter
from etjanst.eid import personnummer as pnr
from etjanst.eid.person import Person
from etjanst.eservices.models import EService, EServiceVersion
from etjanst.notifications import emails
from etjanst.notifications.retry import retried
from etjanst.people.models import Resident

from .actions import SubmissionInvalid, discard_pending_uploads
from .facts import CaseFacts
from .models import TestRun
from .session import FormSession

logger = logging.getLogger(__name__)

# The administrator's session: e-service slug -> the test run being filled in.
TEST_RUNS_KEY = "etjanst_test_runs"


@dataclass(frozen=True)
class TestPerson:
    """One of Skatteverket's test personnummer (they belong to no real
    person), with the name and register data the simulators give it."""

    personnummer: str
    given_name: str
    surname: str
    description: Promise

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.surname}"

    @property
    def label(self) -> str:
        return f"{self.name}, {pnr.display(self.personnummer)} ({self.description})"


# Only these can be chosen: an administrator can never act as a real person
# (nor look one up in the population register). Names and data are those of
# the BankID and Navet simulators (simulators/navet/server.py).
TEST_PERSONS = [
    TestPerson("194105199121", "Anna", "Andersson", gettext_lazy("vuxen utan barn")),
    TestPerson(
        "197601212397", "Olof", "Åberg", gettext_lazy("vårdnadshavare för två barn, c/o-adress")
    ),
    TestPerson("197602112398", "Gustav", "Åberg", gettext_lazy("vårdnadshavare för tre barn")),
    TestPerson("196611252666", "Elin", "Karlsson", gettext_lazy("sekretessmarkering, ett barn")),
    TestPerson("196711302635", "Anders", "Jonsson", gettext_lazy("skyddad folkbokföring")),
]
_BY_NUMBER = {p.personnummer: p for p in TEST_PERSONS}


class TestModeError(Exception):
    """A test run cannot start as asked; the message says why, in Swedish."""

    def __init__(self, message: str, field: str = "") -> None:
        self.message = message
        self.field = field
        super().__init__(message)


def test_person(personnummer: str) -> TestPerson | None:
    return _BY_NUMBER.get(personnummer)


def run_person(run: TestRun) -> Person | None:
    """Who the test run is filled in as: the test person as if logged in
    with an e-ID at the level the e-service asks for, or None. Never put in
    the session as a login; the test pages pass it on themselves."""
    chosen = test_person(run.test_personnummer)
    if chosen is None:
        return None
    return Person(
        chosen.personnummer,
        given_name=chosen.given_name,
        surname=chosen.surname,
        method="test",
        loa=run.eservice.eid_loa,
    )


def form_key(eservice: EService) -> str:
    """Where the test form lives in the session: apart from a real form."""
    return f"test:{eservice.slug}"


def test_form(session: SessionBase, run: TestRun) -> FormSession:
    return FormSession(session, run.eservice, key=form_key(run.eservice))


def version_to_test(eservice: EService) -> EServiceVersion | None:
    """The draft version (the builder's), or else the newest version."""
    versions = eservice.versions.order_by("-number")
    return versions.filter(published_at__isnull=True).first() or versions.first()


@transaction.atomic
def start_test_run(
    *,
    session: SessionBase,
    eservice: EService,
    actor,
    personnummer: str = "",
    email_me: bool = False,
) -> TestRun:
    """A new test run of the e-service's draft by `actor` (who the builder
    has checked may build it), as the test person or not logged in. It
    replaces the actor's earlier test run of the e-service in this session.
    `email_me`: the confirmation e-mail the resident would get goes to the
    actor's own address (and to nobody else)."""
    version = version_to_test(eservice)
    if version is None or not version.form.get("steps"):
        raise TestModeError(_("Lägg till ett steg med frågor innan du testar e-tjänsten."))
    if personnummer and test_person(personnummer) is None:
        raise TestModeError(_("Välj en av testpersonerna i listan."), field="person")
    if eservice.requires_login and not personnummer:
        raise TestModeError(
            _("E-tjänsten kräver inloggning. Välj en testperson att logga in som."),
            field="person",
        )
    earlier = active_run(session=session, slug=eservice.slug, user=actor)
    if earlier is not None:
        end_test_run(session=session, run=earlier)
    run = TestRun.objects.create(
        eservice=eservice,
        version=version,
        started_by=actor,
        test_personnummer=personnummer,
        email_me=bool(email_me and actor.email),
    )
    runs = session.get(TEST_RUNS_KEY, {})
    runs[eservice.slug] = str(run.pk)
    session[TEST_RUNS_KEY] = runs
    return run


def active_run(*, session: SessionBase, slug: str, user) -> TestRun | None:
    """The test run this session fills in for the e-service, if `user` may
    (its own, not expired, an e-service it still builds). Anyone else's
    session has none: a resident or officer never reaches a draft."""
    run_id = session.get(TEST_RUNS_KEY, {}).get(slug)
    if not run_id:
        return None
    run = (
        TestRun.objects.usable_by(user)
        .select_related("eservice__committee", "eservice__category", "version")
        .filter(pk=run_id, eservice__slug=slug)
        .first()
    )
    if run is None:
        _forget(session, slug)
    return run


def _forget(session: SessionBase, slug: str) -> None:
    runs = session.get(TEST_RUNS_KEY, {})
    if runs.pop(slug, None) is not None:
        session[TEST_RUNS_KEY] = runs


def start_test_form(*, session: SessionBase, run: TestRun, anonymous: bool) -> FormSession:
    """Starta in a test run: a new form on the tested version, filled in
    from the test person's login and the population register as a real one
    would be."""
    current = test_form(session, run)
    if current.exists:
        discard_pending_uploads(upload_owner=current.upload_owner)
    form = FormSession.start(
        session,
        run.eservice,
        run.version,
        person=run_person(run),
        anonymous=anonymous,
        key=form_key(run.eservice),
        test_run=run,
    )
    TestRun.objects.filter(pk=run.pk).update(upload_owner=form.upload_owner)
    return form


def _facts(run: TestRun, answers: dict) -> CaseFacts:
    person = run_person(run)
    # An unsaved resident: the sender as the pipeline would see them. No
    # Resident row is ever made for a test person.
    owner = (
        Resident(personnummer=person.personnummer, given_name=person.given_name,
                 surname=person.surname)
        if person is not None
        else None
    )  # fmt: skip
    return CaseFacts.of(version=run.version, answers=answers, owner=owner)


def send_test_form(*, form: FormSession, run: TestRun) -> TestRun:
    """Skicka in a test run: the answers are checked as the pipeline checks
    them (SubmissionInvalid, as for real), then kept with the run for the
    test receipt. Nothing is registered; the files and held times go."""
    if form.test_run_id != str(run.pk):
        raise SubmissionInvalid([])
    facts = _facts(run, form.answers)
    if facts.problems:
        raise SubmissionInvalid(facts.problems)
    with transaction.atomic():
        run.answers = facts.answers
        run.sent_at = timezone.now()
        run.save(update_fields=["answers", "sent_at"])
        discard_pending_uploads(upload_owner=form.upload_owner)
        if run.email_me and facts.confirmation_email:
            run_id = str(run.pk)
            transaction.on_commit(lambda: send_test_confirmation.enqueue(run_id=run_id))
    form.clear()
    return run


@task()
@retried("Test confirmation e-mail")
def send_test_confirmation(*, run_id: str) -> str:
    """The confirmation the resident would have got, to the administrator who
    tested (never to the address in the answers), marked as a test."""
    runs = TestRun.objects.select_related("eservice__committee", "version", "started_by")
    run = runs.filter(pk=run_id).first()
    receipt = test_receipt(run) if run is not None else None
    if receipt is None or not run.started_by.email or not receipt.facts.confirmation_email:
        return "skipped"
    emails.send(
        "test_confirmation",
        run.started_by.email,
        {
            "eservice": run.eservice,
            # The real confirmation's template, with an example number.
            "case": {
                "registration_number": receipt.registration_example,
                "received_at": run.sent_at,
            },
            "address": receipt.facts.confirmation_email,
        },
    )
    return "sent"


@dataclass(frozen=True)
class TestReceipt:
    """What sending the test run would have done."""

    facts: CaseFacts
    person: Person | None
    registration_example: str
    signing: bool

    @property
    def masked_personnummer(self) -> str:
        number = self.facts.sender_personnummer
        return pnr.mask(number) if number else ""


def test_receipt(run: TestRun) -> TestReceipt | None:
    if run.answers is None:
        return None
    committee = run.eservice.committee
    year = timezone.localdate().year
    last = (
        RegistrationCounter.objects.filter(committee=committee, year=year).aggregate(
            n=Max("last_number")
        )["n"]
        or 0
    )
    return TestReceipt(
        facts=_facts(run, run.answers),
        person=run_person(run),
        registration_example=committee.format_registration_number(year=year, number=last + 1),
        signing=run.eservice.requires_signing,
    )


def end_test_run(*, session: SessionBase, run: TestRun) -> None:
    """Avsluta testet: the test form, its files and the run are gone."""
    form = test_form(session, run)
    if form.exists:
        discard_pending_uploads(upload_owner=form.upload_owner)
        form.clear()
    _forget(session, run.eservice.slug)
    TestRun.objects.filter(pk=run.pk).delete()


def expire_test_runs(*, now=None) -> int:
    """Delete test runs a day old, with what they hold (the nightly job)."""
    expired = list(TestRun.objects.filter(expires_at__lte=now or timezone.now()))
    for run in expired:
        if run.upload_owner:
            discard_pending_uploads(upload_owner=run.upload_owner)
    count = TestRun.objects.filter(pk__in=[r.pk for r in expired]).delete()[0]
    if count:
        logger.info("Deleted %d expired test runs", count)
    return count
