"""Signals other apps may listen to (cases imports none of them)."""

from django.dispatch import Signal

# Sent with `events=[CaseEvent, ...]` after CaseEvent.objects.bulk_create,
# which sends no post_save (the purge writes its events so).
events_bulk_created = Signal()
