"""Signals other apps may listen to (cases imports none of them)."""

from django.dispatch import Signal

# Sent with `events=[CaseEvent, ...]` after CaseEvent.objects.bulk_create,
# which sends no post_save (the purge writes its events so).
events_bulk_created = Signal()

# Sent with `case=Case, status=Status, previous=Status` when transition_case
# moved a case (the statistics count status changes and decisions).
status_changed = Signal()
# Sent with `message=Message` when a message is written in a case's thread.
message_written = Signal()
