"""Send due webhooks from the outbox. Run every minute (cron) or with
--loop: it also picks up what a stopped worker left."""

import time

from django.core.management.base import BaseCommand

from etjanst.integrations.webhooks import deliver_due


class Command(BaseCommand):
    help = "Send due webhooks from the outbox (with --loop: keep doing it)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args, loop: bool, interval: float, **options):
        while True:
            delivered = deliver_due()
            if options["verbosity"] > 1:
                self.stdout.write(f"{delivered} delivered")
            if not loop:
                return
            time.sleep(interval)
