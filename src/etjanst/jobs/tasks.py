"""The task a scheduled job runs as (jobs/schedule.py)."""

import logging

from django.conf import settings
from django.core.management import call_command
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_scheduled(*, name: str) -> str:
    """Run one scheduled job: a management command named in ETJANST_SCHEDULE
    (by name, so this app imports no domain app)."""
    entry = settings.ETJANST_SCHEDULE.get(name)
    if entry is None:
        logger.error("Scheduled job %s is no longer in ETJANST_SCHEDULE: skipped", name)
        return "unknown"
    call_command(entry["command"], *entry.get("args", []), verbosity=0)
    return "done"
