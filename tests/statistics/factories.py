"""Counters as recording would leave them (recording itself is tested
through the form in test_recording.py)."""

import datetime

from django.utils import timezone

from etjanst.statistics import recording
from etjanst.statistics.constants import Measure, Metric

TODAY = None


def record_days(eservice, *, days: int = 10, started: int = 20, sent: int = 12, version: int = 1):
    """`days` days up to today, each with `started` starts, `sent` sendings
    (logged in with BankID), a step done, a validation error and fill-in times."""
    now = timezone.now()
    for back in range(days):
        at = now - datetime.timedelta(days=back)
        where = {"eservice_id": eservice.pk, "version": version, "at": at}
        recording.count(**where, metric=Metric.STARTED, key="bankid", n=started)
        recording.count(**where, metric=Metric.STEP_DONE, key="arende", n=(started + sent) // 2)
        recording.count(**where, metric=Metric.SENT, key="bankid", n=sent)
        recording.count(
            **where, metric=Metric.INVALID, key="rubrik", detail="Fyll i rubriken.", n=7
        )
        for minutes in range(sent):
            recording.duration(
                eservice_id=eservice.pk,
                version=version,
                measure=Measure.FILL_IN,
                seconds=60 * (minutes + 1),
                at=at,
            )
