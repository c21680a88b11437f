from django.core.management.base import BaseCommand

from etjanst.submissions.drafts import expire_drafts, remind_expiring_drafts


class Command(BaseCommand):
    help = (
        "Remind owners of saved drafts deleted within a week, then delete the drafts "
        "whose time is up, with their files (run daily, e.g. from cron)."
    )

    def handle(self, *args, **options):
        reminded = remind_expiring_drafts()
        deleted = expire_drafts()
        self.stdout.write(f"{reminded} påminnelser köade, {deleted} sparade ärenden borttagna")
