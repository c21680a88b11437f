"""manage.py prune_sent_emails: forget the send-once keys of e-mails that no
task can send again (notifications/pruning.py). Run nightly by the workers'
schedule (and by run_daily)."""

from django.core.management.base import BaseCommand

from etjanst.notifications.pruning import prune_sent_emails, sent_email_retention


class Command(BaseCommand):
    help = "Delete the send-once keys of e-mails older than the retry window (SentEmail)."

    def handle(self, *args, **options) -> None:
        deleted = prune_sent_emails()
        if options["verbosity"]:
            self.stdout.write(
                f"Deleted {deleted} send-once e-mail keys older than {sent_email_retention()}."
            )
