"""Writes of the statistics that people make: the administrators' choices
for an e-service, and the residents' answers to the satisfaction survey."""

import re

import nh3
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.eservices.models import EService

from . import recording
from .constants import Metric
from .models import EServiceOptions, SurveyComment

MAX_COMMENT = 1000
# What a comment must not keep even when someone writes it: e-mail addresses
# and long runs of digits (a personnummer, a telephone or a case number).
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+")
_DIGITS = re.compile(r"\d(?:[\d\s+\-/.]{4,}\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
REMOVED = "[…]"


class SurveyInvalid(Exception):
    """Nothing was stored; the message says why, in Swedish."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def options_for(eservice: EService) -> EServiceOptions:
    return EServiceOptions.objects.filter(eservice=eservice).first() or EServiceOptions(
        eservice=eservice
    )


@transaction.atomic
def set_options(*, eservice: EService, survey: bool, open_data: bool) -> EServiceOptions:
    options, _created = EServiceOptions.objects.update_or_create(
        eservice=eservice, defaults={"survey": survey, "open_data": open_data}
    )
    return options


def clean_comment(text: str) -> str:
    """The comment as kept: plain text (no markup: nh3 with no tags allowed,
    as the information pages are sanitised), without e-mail addresses or long
    numbers, at most MAX_COMMENT characters."""
    text = nh3.clean(text or "", tags=set(), strip_comments=True)
    # nh3 escapes what it keeps; the templates escape on output again.
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _CONTROL.sub("", text)
    text = _EMAIL.sub(REMOVED, text)
    text = _DIGITS.sub(REMOVED, text)
    return text.strip()[:MAX_COMMENT]


def answer_survey(*, eservice: EService, version: int, rating: str, comment: str = "") -> None:
    """One answer to "Vad tyckte du om e-tjänsten?": a counter of the rating
    for the day, and the comment with only its month. Nothing names the case
    or the person; the face marks the receipt as answered in the session."""
    if rating not in {"1", "2", "3", "4", "5"}:
        raise SurveyInvalid(_("Välj ett betyg från 1 till 5."))
    if len(comment or "") > MAX_COMMENT:
        raise SurveyInvalid(
            _("Kommentaren är för lång. Den får vara högst %(max)d tecken.") % {"max": MAX_COMMENT}
        )
    text = clean_comment(comment)
    with transaction.atomic():
        recording.count(eservice_id=eservice.pk, version=version, metric=Metric.RATING, key=rating)
        if text:
            SurveyComment.objects.create(
                eservice=eservice,
                version=version,
                month=timezone.localdate().replace(day=1),
                text=text,
            )
