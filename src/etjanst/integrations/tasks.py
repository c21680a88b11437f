"""The worker's part of webhooks: send what is due (db_worker runs it)."""

from django_tasks import task

from . import webhooks


@task()
def deliver_webhooks() -> int:
    return webhooks.deliver_due()
