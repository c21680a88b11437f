"""The one retry policy for background work that talks to another system
(the mail server): every app's tasks use it, so they all retry alike.

A task that fails with a transient error (the mail server is down or
refuses) is queued again after 1, 5, 15 and 60 minutes, then 4 and 12
hours. After the last attempt it fails for good and shows as failed in the
task list, where staff see it."""

import functools
import logging
import smtplib
import sys
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

logger = logging.getLogger(__name__)

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 720)]
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (smtplib.SMTPException, OSError)


def retried(what: str) -> Callable:
    """Decorate a task function (keyword arguments only) under `@task()`:

        @task()
        @retried("Confirmation e-mail")
        def send_confirmation_email(*, case_id: int) -> str: ...

    The task takes one more keyword, `attempt` (1 the first time). The
    function's own arguments are logged with the failure: keep them to ids."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def run(*, attempt: int = 1, **kwargs):
            try:
                return func(**kwargs)
            except TRANSIENT_ERRORS as exc:
                if attempt > len(RETRY_DELAYS):
                    raise
                # The Task object that @task() made of this function, by the
                # name it was given in its module (as the worker finds it).
                the_task = getattr(sys.modules[func.__module__], func.__name__)
                delay = RETRY_DELAYS[attempt - 1]
                logger.warning(
                    "%s %s failed (attempt %d): %s; retrying in %s",
                    what,
                    kwargs,
                    attempt,
                    exc.__class__.__name__,
                    delay,
                )
                the_task.using(run_after=timezone.now() + delay).enqueue(
                    **kwargs, attempt=attempt + 1
                )
                return "retry"

        return run

    return decorate
