from django.core.management.base import BaseCommand, CommandError

from etjanst.audit.actions import verify_chain
from etjanst.audit.models import AccessLogEntry


class Command(BaseCommand):
    help = "Check that no entry of the access log was changed or deleted (the hash chain)."

    def handle(self, *args, **options):
        problems = verify_chain()
        if problems:
            for problem in problems:
                what = "innehållet ändrat" if problem.problem == "content" else "kedjan bruten"
                self.stderr.write(f"Post {problem.entry_id}: {what}")
            raise CommandError(f"Åtkomstloggen är inte intakt: {len(problems)} fel.")
        self.stdout.write(f"Åtkomstloggen är intakt ({AccessLogEntry.objects.count()} poster).")
