from django.core.management.base import BaseCommand

from etjanst.submissions.testmode import expire_test_runs


class Command(BaseCommand):
    help = (
        "Delete the builder's test runs (Testa e-tjänsten) a day after they started, "
        "with their files (run daily, e.g. from cron)."
    )

    def handle(self, *args, **options):
        deleted = expire_test_runs()
        self.stdout.write(f"{deleted} testkörningar borttagna")
