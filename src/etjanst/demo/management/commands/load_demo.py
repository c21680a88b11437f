from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_DIR = Path(__file__).resolve().parents[2]
DEMO_ADMIN = ("admin", "exempelby-demo")


class Command(BaseCommand):
    help = (
        "Load the demo municipality (Exempelby kommun): e-services and an admin login. Idempotent."
    )

    def handle(self, *args, **options):
        call_command("load_eservices", str(DEMO_DIR / "eservices"), stdout=self.stdout)
        User = get_user_model()
        username, password = DEMO_ADMIN
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(
                username=username, password=password, email="admin@exempelby.se"
            )
            self.stdout.write(f"Demo admin created: {username}")
