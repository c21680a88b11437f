"""`etjanst run_daily`: every daily maintenance command, one after the other,
so a cron job (or the chart's CronJob) needs one line. One failing command
is logged and does not stop the others; the exit status says if any failed."""

import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

logger = logging.getLogger(__name__)

#: (command, arguments), in this order: the cleaning first, reminders last.
DAILY = (
    ("purge_abandoned_uploads", []),
    ("clearsessions", []),
    ("expire_drafts", []),
    ("expire_test_runs", []),  # the builder's test runs (the schedule runs it hourly)
    ("purge", []),
    # Finished background-task results older than 30 days (failed ones 90,
    # so there is time to look at them in admin).
    ("prune_db_task_results", ["--min-age-days", "30", "--failed-min-age-days", "90"]),
    ("prune_sent_emails", []),  # send-once e-mail keys past every retry
    ("send_booking_reminders", []),
    ("guardian_signatures", []),
)


class Command(BaseCommand):
    help = (
        "Run the daily maintenance commands (purging, sessions, drafts, reminders, task results)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--only", nargs="*", help="Run only these commands.")

    def handle(self, *args, only=None, **options) -> None:
        failed = []
        for name, arguments in DAILY:
            if only and name not in only:
                continue
            try:
                call_command(name, *arguments, verbosity=options.get("verbosity", 1))
                logger.info("Daily command %s done", name)
            except Exception as exc:
                failed.append(name)
                logger.exception("Daily command %s failed: %s", name, type(exc).__name__)
        if failed:
            raise CommandError(f"Failed: {', '.join(failed)}")
