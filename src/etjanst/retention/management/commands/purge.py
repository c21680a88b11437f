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
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="purge nothing: count what is due per rule, with its committee and decision",
        )
        parser.add_argument(
            "--list",
            action="store_true",
            help="with --dry-run (implied): also list the registration numbers that would go",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, dry_run: bool, list: bool, batch_size: int, **options):
        if dry_run or list:
            self._preview(with_numbers=list)
            return
        from etjanst.people.extract import delete_old_extracts

        count = purge_due(batch_size=batch_size, by="manage.py purge")
        extracts = delete_old_extracts()
        self.stdout.write(f"{count} ärenden gallrade, {extracts} gamla registerutdrag borttagna")

    def _preview(self, *, with_numbers: bool) -> None:
        """What a real run would purge now, for a registrar to check first."""
        now = timezone.now()
        total = 0
        for rule in RetentionRule.objects.select_related("committee").order_by(
            "committee__name", "name", "pk"
        ):
            cases = due_cases(rule, now=now)
            count = cases.count()
            waiting = due_cases(rule, now=now, include_waiting=True).count() - count
            total += count
            self.stdout.write(
                f"{rule.committee.name}: {rule.name} ({rule.decision_reference}), "
                f"{rule.describe()} {count} ärenden att gallra"
                + (f", {waiting} väntar på bekräftad leverans" if waiting else "")
            )
            if with_numbers:
                numbers = cases.order_by("pk").values_list("registration_number", flat=True)
                for number in numbers.iterator():
                    self.stdout.write(f"  {number}")
        self.stdout.write(f"Totalt {total} ärenden att gallra. Inget är gallrat (--dry-run).")
