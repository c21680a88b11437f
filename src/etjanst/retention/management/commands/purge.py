from django.core.management.base import BaseCommand
from django.utils import timezone

from etjanst.organisation.models import RetentionRule
from etjanst.retention.actions import due_cases, purge_due


class Command(BaseCommand):
    help = (
        "Purge (gallra) the cases whose retention period is over, in batches, and log it. "
        "Run daily, e.g. from cron. Cases on legal hold are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what is due")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        if dry_run:
            now = timezone.now()
            for rule in RetentionRule.objects.all():
                count = due_cases(rule, now=now).count()
                self.stdout.write(f"{rule}: {count} ärenden att gallra")
            return
        from etjanst.people.extract import delete_old_extracts

        count = purge_due(batch_size=batch_size, by="manage.py purge")
        extracts = delete_old_extracts()
        self.stdout.write(f"{count} ärenden gallrade, {extracts} gamla registerutdrag borttagna")
