from django.core.management.base import BaseCommand

from etjanst.bookings.reminders import queue_reminders


class Command(BaseCommand):
    help = "Queue the e-mail reminders for tomorrow's bookings. Run daily, e.g. from cron."

    def handle(self, *args, **options):
        queued = queue_reminders()
        self.stdout.write(f"Queued {queued} booking reminders")
