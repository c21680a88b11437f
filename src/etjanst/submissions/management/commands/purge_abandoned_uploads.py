from datetime import timedelta

from django.core.management.base import BaseCommand

from etjanst.submissions.actions import purge_abandoned_uploads


class Command(BaseCommand):
    help = "Delete uploads of forms never sent (run daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="age in hours (default 24)")

    def handle(self, *args, hours: int, **options):
        count = purge_abandoned_uploads(older_than=timedelta(hours=hours))
        self.stdout.write(f"{count} övergivna bilagor borttagna")
