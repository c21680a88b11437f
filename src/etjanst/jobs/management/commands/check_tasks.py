"""manage.py check_tasks: for a monitoring system (exit 1 = act).

Says how many task workers are alive and how many tasks are past their
deadline; exits 1 when no worker is alive or any task is overdue.
"""

from django.core.management.base import BaseCommand

from etjanst.jobs import workers


class Command(BaseCommand):
    help = "Exit 1 when no task worker is alive or a task is past its deadline."

    def handle(self, *args, **options):
        alive = len(workers.live_workers())
        overdue = workers.overdue_tasks().count()
        self.stdout.write(f"workers alive: {alive}; tasks past their deadline: {overdue}")
        if alive == 0 or overdue:
            raise SystemExit(1)
