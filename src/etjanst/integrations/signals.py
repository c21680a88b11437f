"""Every case event is offered to the outbox in the same transaction.

A signal, not a call in each action: the events are written by the cases
app (and by the submission path), which must not import integrations (that
would be a cycle: integrations builds on cases). post_save runs inside the
transaction that saves the event, which is what a transactional outbox needs."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from etjanst.cases.models import CaseEvent
from etjanst.cases.signals import events_bulk_created

from .models import WebhookEndpoint
from .webhooks import record_event


@receiver(post_save, sender=CaseEvent, dispatch_uid="integrations.outbox")
def _offer_to_outbox(sender, instance: CaseEvent, created: bool, **kwargs) -> None:
    if created:
        record_event(instance)


@receiver(events_bulk_created, sender=CaseEvent, dispatch_uid="integrations.outbox.bulk")
def _offer_many_to_outbox(sender, events: list[CaseEvent], **kwargs) -> None:
    # One query for the usual case of an installation without webhooks.
    if not WebhookEndpoint.objects.filter(disabled_at__isnull=True).exists():
        return
    for event in events:
        record_event(event)
