"""Which receipts in this browser session have had the satisfaction survey
answered: one answer per receipt, marked in the session (never in the case
or in the statistics)."""

import hashlib

from django.contrib.sessions.backends.base import SessionBase

from etjanst.eservices.models import EService

from .models import EServiceOptions

ANSWERED_KEY = "etjanst_survey_answered"
MAX_MARKS = 20


def _mark(token: str) -> str:
    # A digest, so that the session holds no second copy of the receipt token.
    return hashlib.sha256(token.encode()).hexdigest()[:24]


def is_asked(eservice: EService) -> bool:
    return EServiceOptions.objects.filter(eservice=eservice, survey=True).exists()


def has_answered(session: SessionBase, receipt_token: str) -> bool:
    return _mark(receipt_token) in session.get(ANSWERED_KEY, [])


def mark_answered(session: SessionBase, receipt_token: str) -> None:
    marks = session.get(ANSWERED_KEY, [])[-(MAX_MARKS - 1) :]
    session[ANSWERED_KEY] = [*marks, _mark(receipt_token)]
