from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from etjanst.content.constants import Placement
from etjanst.content.models import InformationPage
from etjanst.eservices.models import EService

DEMO_DIR = Path(__file__).resolve().parents[2]
DEMO_ADMIN = ("admin", "exempelby-demo")


class Command(BaseCommand):
    help = (
        "Load the demo municipality (Exempelby kommun): e-services, the help page "
        "and an admin login. Idempotent."
    )

    def handle(self, *args, **options):
        call_command("load_eservices", str(DEMO_DIR / "eservices"), stdout=self.stdout)
        self.load_help_page()
        User = get_user_model()
        username, password = DEMO_ADMIN
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(
                username=username, password=password, email="admin@exempelby.se"
            )
            self.stdout.write(f"Demo admin created: {username}")

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
