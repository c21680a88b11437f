"""Writes of the statistics that people make: the administrators' choices
for an e-service, the residents' answers to the satisfaction survey, and
an operator's rebuild of the month rows from the day rows."""

import re

import nh3
from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.eservices.models import EService

from . import recording
from .constants import Metric
from .models import (
    DailyCount,
    DailyDuration,
    EServiceOptions,
    MonthlyCount,
    MonthlyDuration,
    SurveyComment,
)

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


ROLLUPS = [
    (DailyCount, MonthlyCount, ["eservice_id", "version", "metric", "key", "detail"]),
    (DailyDuration, MonthlyDuration, ["eservice_id", "version", "measure", "bucket"]),
]


def rebuild_months(*, eservice_ids: list[int] | None = None) -> dict[str, int]:
    """Compute the month rows (MonthlyCount, MonthlyDuration) again from the
    day rows, for every e-service or those in `eservice_ids`: one
    transaction, so the pages see the old month rows or the new, never
    none. Recording keeps them in step by itself (recording.count); this is
    for day rows written another way (a restore, an import, the benchmark).
    The number of month rows written, per table."""
    written = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Recordings that commit meanwhile wait (their month upsert needs
            # ROW EXCLUSIVE), then add to the new rows: none is lost or
            # counted twice. SQLite serialises writers by itself.
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for _d, m, _f in ROLLUPS)
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        for day_model, month_model, fields in ROLLUPS:
            days, months = day_model.objects.all(), month_model.objects.all()
            if eservice_ids is not None:
                days = days.filter(eservice__in=eservice_ids)
                months = months.filter(eservice__in=eservice_ids)
            months.delete()
            grouped = (
                days.annotate(month=TruncMonth("day"))
                .values_list(*fields, "month")
                .annotate(n=Sum("count"))
                .order_by()
            )
            rows = (
                month_model(**dict(zip(fields, values, strict=True)), month=month, count=n)
                for *values, month, n in grouped.iterator(chunk_size=5000)
            )
            written[month_model._meta.model_name] = len(
                month_model.objects.bulk_create(rows, batch_size=5000)
            )
    return written
