"""Signals other apps may listen to (submissions imports none of them): the
statistics count forms started, steps done, drafts and sendings from these.
Receivers must never raise; they get the form in progress, never a person's
answers to keep."""

from django.dispatch import Signal

# form=FormSession, person=eid Person or None
form_started = Signal()
# form=FormSession, step=Step, result=StepResult, first=True the first time the step is done
step_recorded = Signal()
# form=FormSession
draft_saved = Signal()
draft_resumed = Signal()
form_discarded = Signal()
# draft=Draft (deleted because its time was up)
draft_expired = Signal()
# form=FormSession (before it is cleared), case=Case, person=eid Person or None
form_sent = Signal()
