from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from etjanst.content.constants import Placement
from etjanst.content.models import InformationPage
from etjanst.demo.statistics import record_demo_statistics
from etjanst.eservices.models import EService

DEMO_DIR = Path(__file__).resolve().parents[2]
DEMO_ADMIN = ("admin", "exempelby-demo")
DEMO_OFFICER = ("handlaggare", "exempelby-demo")
DEMO_BUILDER = ("forvaltare", "exempelby-demo")
DEMO_DRAFT_SLUG = "ansokan-om-gravtillstand"
# The demo officer's one-time code key (hex, as django-otp stores it). Demo only.
DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


class Command(BaseCommand):
    help = (
        "Load the demo municipality (Exempelby kommun): e-services, the help page "
        "and an admin login. Idempotent."
    )

    def handle(self, *args, **options):
        self._resources()  # before the e-services that book them
        call_command("load_eservices", str(DEMO_DIR / "eservices"), stdout=self.stdout)
        self.load_help_page()
        User = get_user_model()
        username, password = DEMO_ADMIN
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(
                username=username, password=password, email="admin@exempelby.se"
            )
            self.stdout.write(f"Demo admin created: {username}")
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # /admin/ asks for a one-time code too: the same demo key as the officer's.
        TOTPDevice.objects.get_or_create(
            user=User.objects.get(username=username),
            defaults={"name": "Demo", "key": DEMO_TOTP_KEY, "confirmed": True},
        )
        self._officer()
        self._mina_sidor()
        self._register()
        self._resource_managers()
        self._builder()
        record_demo_statistics()

    def _resources(self):
        """Budget- och skuldrådgivning: weekdays, 45-minute talks, holidays closed."""
        import datetime

        from etjanst.bookings.models import OpeningRule, Resource
        from etjanst.organisation.models import Committee

        committee, _created = Committee.objects.get_or_create(
            prefix="SN", defaults={"name": "Socialnämnden"}
        )
        resource, created = Resource.objects.get_or_create(
            slug="budget-och-skuldradgivning",
            defaults={
                "name": "Budget- och skuldrådgivning",
                "place": "Medborgarhuset, Storgatan 12",
                "description": "Ett samtal med en av kommunens budget- och skuldrådgivare.",
                "committee": committee,
                "slot_minutes": 45,
                "capacity": 1,
                "book_ahead_days": 60,
                "min_notice_hours": 2,
                "change_deadline_hours": 24,
            },
        )
        if created:
            for weekday in range(4):  # Monday to Thursday
                OpeningRule.objects.create(
                    resource=resource,
                    weekday=weekday,
                    opens=datetime.time(9),
                    closes=datetime.time(12),
                )
                OpeningRule.objects.create(
                    resource=resource,
                    weekday=weekday,
                    opens=datetime.time(13),
                    closes=datetime.time(16),
                )
            self.stdout.write(f"Demo resource created: {resource.name}")

    def _builder(self):
        """An e-service administrator (e-tjänsteförvaltare) for every demo
        committee, with the same demo one-time-code key as the officer, and
        one e-service in draft to play with in the builder."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from etjanst.eservices import builder, formedit
        from etjanst.organisation.models import Committee
        from etjanst.people.models import Role, StaffAccess

        username, password = DEMO_BUILDER
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = get_user_model().objects.create_user(
                username=username,
                password=password,
                first_name="Frida",
                last_name="Förvaltare",
                email="frida@exempelby.se",
            )
            self.stdout.write(f"Demo e-service administrator created: {username}")
        for committee in Committee.objects.all():
            StaffAccess.objects.get_or_create(
                user=user, role=Role.ESERVICE_MANAGER, committee=committee
            )
        TOTPDevice.objects.get_or_create(
            user=user, defaults={"name": "Demo", "key": DEMO_TOTP_KEY, "confirmed": True}
        )
        if EService.objects.filter(slug=DEMO_DRAFT_SLUG).exists():
            return
        # The same committee, category and retention rule as the fault reports.
        neighbour = EService.objects.get(slug="felanmalan-gata-och-park")
        committee, category = neighbour.committee, neighbour.category
        eservice = builder.create_eservice(
            actor=user,
            values={
                "name": "Ansökan om grävtillstånd",
                "slug": DEMO_DRAFT_SLUG,
                "category": category,
                "committee": committee,
                "short_description": "Sök tillstånd att gräva i kommunens gator och parker.",
                "intro_text": (
                    "Du behöver tillstånd för att gräva i gator, trottoarer och parker som "
                    "kommunen äger. Sök minst tre veckor innan arbetet börjar."
                ),
                "what_you_need": "En karta över platsen\nEn plan för trafiken",
                "pd_purpose": "För att pröva din ansökan om grävtillstånd.",
                "pd_legal_basis": "Myndighetsutövning (artikel 6.1 e i dataskyddsförordningen).",
                "retention_rule": neighbour.retention_rule,
            },
            may_use_committee=lambda _committee: True,
        )

        def build(form: dict) -> str:
            step_id, _summary = formedit.add_step(form, {"title": "Om arbetet"})
            for qtype, data in (
                ("short_text", {"label": "Var ska ni gräva?", "required": "on"}),
                ("date", {"label": "När börjar arbetet?", "required": "on", "min_date": "today"}),
                ("yes_no", {"label": "Påverkas trafiken?", "required": "on"}),
                (
                    "long_text",
                    {
                        "label": "Hur leds trafiken om?",
                        "visible_if": "paverkas_trafiken:equals:yes",
                    },
                ),
                ("file", {"label": "Karta över platsen", "file_types": ["pdf", "jpeg", "png"]}),
            ):
                question_id = formedit.new_question_id(form, data)
                question = formedit.parse_question_fields(
                    form=form, question_type=qtype, data=data, question_id=question_id
                )
                formedit.add_question(form, step_id, question)
            contact_id, _summary = formedit.add_step(form, {"title": "Kontaktuppgifter"})
            question = formedit.parse_question_fields(
                form=form,
                question_type="contact",
                data={"label": "Kontaktperson", "required": "on", "email_required": "on"},
                question_id="kontaktperson",
            )
            formedit.add_question(form, contact_id, question)
            return "Byggde demoformuläret."

        builder.edit_draft(
            eservice=eservice, actor=user, token=builder.working_form(eservice)[1], change=build
        )
        self.stdout.write(f"Demo e-service in draft: {eservice.name}")

    def _resource_managers(self):
        from etjanst.bookings.models import Resource

        officer = get_user_model().objects.get(username=DEMO_OFFICER[0])
        for resource in Resource.objects.all():
            resource.managers.add(officer)

    def _officer(self):
        """A case officer for every demo committee, with one-time codes set up
        from a fixed demo key (`manage.py demo_code` prints the current code)."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from etjanst.organisation.models import Committee
        from etjanst.people.models import Role, StaffAccess

        username, password = DEMO_OFFICER
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            user = get_user_model().objects.create_user(
                username=username,
                password=password,
                first_name="Hanna",
                last_name="Handläggare",
                email="hanna@exempelby.se",
            )
            self.stdout.write(f"Demo case officer created: {username}")
        for committee in Committee.objects.all():
            StaffAccess.objects.get_or_create(
                user=user, role=Role.CASE_OFFICER, committee=committee
            )
        TOTPDevice.objects.get_or_create(
            user=user, defaults={"name": "Demo", "key": DEMO_TOTP_KEY, "confirmed": True}
        )

    def _mina_sidor(self):
        """A case with a status and an answer from the municipality, so that
        Mina sidor has something to show for the BankID simulator's first test
        person (Skatteverket's test number: no real person)."""
        import uuid

        from etjanst.cases import actions, messaging
        from etjanst.cases.models import Case, Status
        from etjanst.eid.person import Person
        from etjanst.eservices.models import EService
        from etjanst.people.actions import resident_for
        from etjanst.simulators.bankid.server import person_for
        from etjanst.submissions import actions as submission_actions

        personnummer = "197205169266"
        if Case.objects.filter(owner__personnummer=personnummer).exists():
            return
        given_name, surname = person_for(personnummer)["name"].split(" ", 1)
        owner = resident_for(
            person=Person(personnummer, given_name=given_name, surname=surname, method="bankid")
        )
        eservice = EService.objects.get(slug="synpunkter-och-klagomal")
        case = submission_actions.submit_form(
            version=eservice.current_version,
            answers={
                "typ": "forslag",
                "verksamhet": "gator_parker",
                "rubrik": "Fler bänkar i Stadsparken",
                "beskrivning": "Det skulle vara fint med fler bänkar längs gången vid dammen.",
                "vill_ha_svar": "yes",
                "namn": f"{given_name} {surname}",
                "svarssatt": "epost",
                "epost": "invanare@example.se",
            },
            upload_owner="",
            submission_key=uuid.UUID(int=1),
            owner=owner,
        )
        actions.transition_case(case=case, to=Status.objects.get(eservice=None, code="handlaggs"))
        messaging.send_message(
            case=case,
            body=(
                "Tack för ditt förslag! Vi tar med det när vi planerar parkens underhåll i vår. "
                "Har du fler tankar om var bänkarna borde stå får du gärna svara här."
            ),
            from_staff=True,
            client_key=uuid.UUID(int=2),
        )
        self.stdout.write(f"Demo case for Mina sidor: {case.registration_number}")

    def _register(self):
        """Cases for the public register (/diarium/): one without a sender,
        and one with an answer staff marked secret (Skatteverket's test
        numbers: no real person)."""
        import uuid

        from etjanst.cases.models import Case
        from etjanst.diarium.actions import mark_secret
        from etjanst.eid.person import Person
        from etjanst.people.actions import resident_for
        from etjanst.submissions import actions as submission_actions

        if Case.objects.filter(submission_key=uuid.UUID(int=3)).exists():
            return
        faults = EService.objects.get(slug="felanmalan-gata-och-park")
        submission_actions.submit_form(
            version=faults.current_version,
            answers={
                "typ": "belysning",
                "stolpnummer": "B-1187",
                "beskrivning": "Gatlampan lyser inte, det är mörkt på gångvägen.",
                "plats": "Gångvägen mellan Storgatan och skolan",
                "vill_kontaktas": "no",
            },
            upload_owner="",
            submission_key=uuid.UUID(int=3),
        )
        owner = resident_for(
            person=Person("197601212397", given_name="Per", surname="Demo", method="bankid")
        )
        views = EService.objects.get(slug="synpunkter-och-klagomal")
        case = submission_actions.submit_form(
            version=views.current_version,
            answers={
                "typ": "klagomal",
                "verksamhet": "socialtjanst",
                "rubrik": "Bemötande vid besök",
                "beskrivning": "Jag fick vänta länge på mitt besök om ekonomiskt bistånd.",
                "vill_ha_svar": "no",
                "namn": "Per Demo",
                "svarssatt": "epost",
                "epost": "per@example.se",
            },
            upload_owner="",
            submission_key=uuid.UUID(int=4),
            owner=owner,
        )
        mark_secret(case=case, question_id="beskrivning", ground="OSL 26:1", staff_user=None)
        self.stdout.write(f"Demo cases for the register: {case.registration_number} and one more")

    def load_help_page(self) -> None:
        """ "Om e-tjänsterna" in the footer, linked from every demo e-service."""
        pages = DEMO_DIR / "pages"
        page, _created = InformationPage.objects.update_or_create(
            slug="om-e-tjansterna",
            defaults={
                "title": "Om e-tjänsterna",
                "title_en": "About the e-services",
                "body": (pages / "om-e-tjansterna.sv.md").read_text(encoding="utf-8"),
                "body_en": (pages / "om-e-tjansterna.en.md").read_text(encoding="utf-8"),
                "placement": Placement.FOOTER,
                "order": 0,
                "is_published": True,
            },
        )
        page.eservices.set(EService.objects.all())
