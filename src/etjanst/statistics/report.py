"""Reading the counters for a period: the figures of the statistics pages and
their CSV. A few grouped queries over the month and day rows (never the
events, never the cases except for what is open right now)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from etjanst.cases.models import Case, StatusKind
from etjanst.eid.contrib.saml.config import identity_provider
from etjanst.eid.registry import eid_methods
from etjanst.eservices.models import EService, EServiceVersion

from . import charts
from .constants import ANONYMOUS, NOT_LOGGED_IN, Measure, Metric
from .figures import (
    NOT_SHOWN,
    PER,
    Period,
    bucket_label,
    duration,
    is_small,
    quantile,
    share,
    shown,
)
from .models import DailyCount, DailyDuration, MonthlyCount, MonthlyDuration, SurveyComment
from .rollup import span as rollup_span
from .rollup import sums


def overdue_days() -> int:
    return settings.ETJANST_STATISTICS_OVERDUE_DAYS


@dataclass
class Figure:
    """One figure: a table (the CSV is the same rows) and maybe a chart."""

    name: str  # its id in the page and the CSV's file name
    title: str
    headers: list[str]
    rows: list[list[str]]
    chart: charts.Chart | None = None
    note: str = ""


@dataclass
class Report:
    period: Period
    figures: list[Figure] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def figure(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)


def method_name(key: str) -> str:
    if key == ANONYMOUS:
        return _("Anonymt")
    if key == NOT_LOGGED_IN:
        return _("Utan inloggning")
    if key.startswith("saml:"):
        idp = identity_provider(key.partition(":")[2])
        if idp is not None:
            return idp.name  # "Freja eID+", as /logga-in/ names it
    for method in eid_methods:
        if method.identifier == key or key.startswith(f"{method.identifier}:"):
            suffix = key.partition(":")[2]
            return f"{method.name} ({suffix})" if suffix else method.name
    return key


def build(
    *,
    eservices: list[EService],
    period: Period,
    version: int | None = None,
    single: bool,
    rollup: bool = True,
) -> Report:
    """The figures of `eservices` for `period`. Period totals are read from
    the month rows for the whole months inside it and from the day rows for
    the days at its ends (statistics.rollup); rollup=False reads every day
    from the day rows, with the same result (the tests compare the two)."""
    ids = [e.pk for e in eservices]
    counts, times = (
        DailyCount.objects.filter(eservice__in=ids),
        DailyDuration.objects.filter(eservice__in=ids),
    )
    month_counts = MonthlyCount.objects.filter(eservice__in=ids)
    month_times = MonthlyDuration.objects.filter(eservice__in=ids)
    if version is not None:
        counts, times = counts.filter(version=version), times.filter(version=version)
        month_counts = month_counts.filter(version=version)
        month_times = month_times.filter(version=version)
    # Grouped in the database, never one row per e-service and day to Python.
    # Totals over the period: whole months from the month rows. A whole
    # municipality's year is then ~12 rows per e-service and figure instead
    # of ~365 (bench/stats_pages.py, docs/benchmarks.md).
    whole = rollup_span(period.start, period.end, rollup=rollup)
    per_key = sums(counts, month_counts, whole, ["metric", "key", "detail"])
    # The time series per bucket: per month from the same split; per week or
    # day only from day rows (a week can straddle two months), and only the
    # figures drawn over time.
    series_span = (
        whole if period.per == "manad" else rollup_span(period.start, period.end, rollup=False)
    )
    series = sums(
        counts.filter(metric__in=[Metric.STARTED, Metric.SENT, Metric.RATING]),
        month_counts.filter(metric__in=[Metric.STARTED, Metric.SENT, Metric.RATING]),
        series_span,
        ["metric", "key"],
        per=period.per,
    )
    by_eservice: dict[tuple[int, str], int] = defaultdict(int)
    if not single:
        by_eservice.update(
            sums(
                counts.filter(metric__in=[Metric.STARTED, Metric.SENT]),
                month_counts.filter(metric__in=[Metric.STARTED, Metric.SENT]),
                whole,
                ["eservice", "metric"],
            )
        )
    histograms: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for (eservice_id, measure, bucket), n in sums(
        times, month_times, whole, ["eservice", "measure", "bucket"]
    ).items():
        histograms[measure][bucket] += n
        histograms[(eservice_id, measure)][bucket] += n

    total: dict[str, int] = defaultdict(int)
    by_key: dict[tuple[str, str], int] = defaultdict(int)
    by_detail: dict[tuple[str, str, str], int] = defaultdict(int)
    by_bucket: dict[tuple[str, datetime.date], int] = defaultdict(int)
    ratings: dict[tuple[datetime.date, str], int] = defaultdict(int)
    for (metric, key, detail), n in per_key.items():
        total[metric] += n
        by_key[(metric, key)] += n
        by_detail[(metric, key, detail)] += n
    # A status renamed during the period: the name it had most often (the
    # same whichever rows the sums came from).
    status_names = {
        code: name
        for (metric, code, name), _n in sorted(
            by_detail.items(), key=lambda item: (item[1], item[0][2])
        )
        if metric == Metric.STATUS
    }
    for (bucket, metric, key), n in series.items():
        by_bucket[(metric, bucket)] += n
        if metric == Metric.RATING:
            ratings[(bucket, key)] += n

    report = Report(period=period)
    add = report.figures.append
    started, sent = total[Metric.STARTED], total[Metric.SENT]
    fill_in = histograms[Measure.FILL_IN]
    reply, decision = histograms[Measure.FIRST_REPLY], histograms[Measure.DECISION]
    add(
        Figure(
            "oversikt",
            _("I korthet"),
            [_("Vad"), _("Värde")],
            [
                [_("Påbörjade"), shown(started)],
                [_("Skickade"), shown(sent)],
                [_("Andel som skickade av dem som började"), share(sent, started)],
                [_("Sparade som utkast"), shown(total[Metric.DRAFT_SAVED])],
                [_("Fortsatte från utkast"), shown(total[Metric.DRAFT_RESUMED])],
                [_("Avbröt"), shown(total[Metric.DISCARDED])],
                [_("Utkast som gick ut utan att skickas"), shown(total[Metric.DRAFT_EXPIRED])],
                [_("Mediantid att fylla i"), duration(quantile(fill_in, 0.5))],
                [_("Tid att fylla i för 9 av 10 (p90)"), duration(quantile(fill_in, 0.9))],
                [_("Mediantid till första svar"), duration(quantile(reply, 0.5))],
                [_("Mediantid till avslut"), duration(quantile(decision, 0.5))],
            ],
        )
    )

    buckets = period.buckets()
    labels = [period.label(b) for b in buckets]
    starts = [by_bucket[(Metric.STARTED, b)] for b in buckets]
    sends = [by_bucket[(Metric.SENT, b)] for b in buckets]
    busiest = max(range(len(buckets)), key=lambda i: sends[i], default=None)
    description = _("Påbörjade och skickade per %(per)s, %(start)s–%(end)s.") % {
        "per": PER[period.per],
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
    }
    if busiest is not None and sends[busiest] and not is_small(sends[busiest]):
        description += " " + _("Flest skickades %(when)s: %(n)s.") % {
            "when": labels[busiest],
            "n": sends[busiest],
        }
    add(
        Figure(
            "tidsserie",
            _("Påbörjade och skickade över tid"),
            [_("Period"), _("Påbörjade"), _("Skickade"), _("Andel skickade")],
            [
                [label, shown(a), shown(b), share(b, a)]
                for label, a, b in zip(labels, starts, sends, strict=True)
            ],
            chart=charts.vertical_bars(
                title=_("Påbörjade och skickade över tid"),
                description=description,
                categories=labels,
                series=[(_("Påbörjade"), starts), (_("Skickade"), sends)],
            ),
        )
    )

    if single and eservices:
        add(_funnel(eservices[0], version, started, sent, by_key))
        add(_validation_errors(eservices[0], version, by_detail))

    fill_rows = [[bucket_label(bound), shown(n)] for bound, n in sorted(fill_in.items()) if n]
    add(
        Figure(
            "ifyllnadstid",
            _("Tid att fylla i"),
            [_("Tid"), _("Skickade")],
            fill_rows,
            chart=charts.vertical_bars(
                title=_("Tid att fylla i"),
                description=_(
                    "Hur länge det tog från Starta till Skicka. Median %(median)s, 9 av 10 "
                    "inom %(p90)s."
                )
                % {
                    "median": duration(quantile(fill_in, 0.5)),
                    "p90": duration(quantile(fill_in, 0.9)),
                },
                categories=[row[0] for row in fill_rows],
                series=[(_("Skickade"), [n for _b, n in sorted(fill_in.items()) if n])],
            )
            if fill_rows
            else None,
            note=_(
                "Från Starta till Skicka i en och samma session; den som fortsatte ett "
                "sparat utkast räknas från när hen fortsatte."
            ),
        )
    )

    methods = sorted(
        {key for (metric, key) in by_key if metric in (Metric.STARTED, Metric.SENT)},
        key=lambda k: -by_key[(Metric.SENT, k)],
    )
    add(
        Figure(
            "inloggning",
            _("Inloggade, anonyma och e-legitimation"),
            [_("Hur"), _("Påbörjade"), _("Skickade"), _("Andel av skickade")],
            [
                [
                    method_name(key),
                    shown(by_key[(Metric.STARTED, key)]),
                    shown(by_key[(Metric.SENT, key)]),
                    share(by_key[(Metric.SENT, key)], sent),
                ]
                for key in methods
            ],
        )
    )

    add(
        Figure(
            "statusbyten",
            _("Statusbyten under perioden"),
            [_("Ny status"), _("Antal")],
            [
                [status_names.get(code, code), shown(by_key[(Metric.STATUS, code)])]
                for code in sorted(status_names, key=lambda c: -by_key[(Metric.STATUS, c)])
            ],
        )
    )
    add(
        Figure(
            "handlaggningstid",
            _("Handläggningstid"),
            [_("Vad"), _("Antal ärenden"), _("Median"), _("9 av 10 inom (p90)")],
            [
                [
                    _("Första svar till invånaren"),
                    shown(total[Metric.FIRST_REPLY]),
                    duration(quantile(reply, 0.5)),
                    duration(quantile(reply, 0.9)),
                ],
                [
                    _("Avslut"),
                    shown(total[Metric.DECIDED]),
                    duration(quantile(decision, 0.5)),
                    duration(quantile(decision, 0.9)),
                ],
            ],
            note=_(
                "Räknat från när ärendet kom in, för ärenden som fick svar eller avslutades "
                "under perioden."
            ),
        )
    )
    add(_open_now(ids))
    if not single:
        add(_per_eservice(eservices, by_eservice, histograms))
    if total[Metric.RATING]:
        add(_ratings(period, buckets, labels, ratings, by_key))
    if single and eservices:
        report.comments = _comments(eservices[0], period, version)
    return report


def _names_of(eservice: EService, version: int | None):
    """Steps and questions by id, from the version asked for or the newest first."""
    versions = EServiceVersion.objects.filter(eservice=eservice).order_by("-number")
    if version is not None:
        versions = versions.filter(number=version)
    steps, questions, order = {}, {}, []
    for v in versions:
        for step in v.definition.steps:
            if step.id not in steps:
                steps[step.id] = step.title
                order.append(step.id)
            for question in step.questions:
                questions.setdefault(question.id, question.label)
    return steps, questions, order


def _funnel(eservice, version, started, sent, by_key) -> Figure:
    steps, _questions, order = _names_of(eservice, version)
    done = {key for (metric, key) in by_key if metric == Metric.STEP_DONE}
    order += sorted(done - set(order))
    items = [(_("Påbörjade"), started)]
    items += [
        (_("Klar med %(step)s") % {"step": steps.get(s, s)}, by_key[(Metric.STEP_DONE, s)])
        for s in order
    ]
    items.append((_("Skickade"), sent))
    rows = [[label, shown(n), share(n, started)] for label, n in items]
    return Figure(
        "tratt",
        _("Var slutar de? Steg för steg"),
        [_("Steg"), _("Antal"), _("Andel av påbörjade")],
        rows,
        chart=charts.horizontal_bars(
            title=_("Steg för steg, från Starta till Skicka"),
            description=_(
                "%(started)s påbörjade, %(sent)s skickade. Ett steg som bara visas för vissa "
                "svar har färre."
            )
            % {"started": shown(started), "sent": shown(sent)},
            items=[(label, n, shown(n)) for label, n in items],
        ),
        note=_("Ett steg räknas första gången det blir klart i ett ifyllande."),
    )


def _validation_errors(eservice, version, by_detail) -> Figure:
    _steps, questions, _order = _names_of(eservice, version)
    errors = sorted(
        (
            (key, detail, n)
            for (metric, key, detail), n in by_detail.items()
            if metric == Metric.INVALID
        ),
        key=lambda item: -item[2],
    )[:15]
    return Figure(
        "felmeddelanden",
        _("Frågor med flest felmeddelanden"),
        [_("Fråga"), _("Felmeddelande"), _("Antal")],
        [[questions.get(key, key), detail or NOT_SHOWN, shown(n)] for key, detail, n in errors],
        note=_("Ett felmeddelande som upprepar vad invånaren skrev sparas inte."),
    )


def _open_now(ids) -> Figure:
    cases = Case.objects.filter(eservice__in=ids, purged_at__isnull=True).exclude(
        status__kind=StatusKind.CLOSED
    )
    per_status = cases.values_list("status__name").annotate(n=Count("pk")).order_by("-n")
    late = timezone.now() - datetime.timedelta(days=overdue_days())
    rows = [[name, shown(n)] for name, n in per_status]
    rows.append(
        [
            _("Öppna längre än %(days)d dagar") % {"days": overdue_days()},
            shown(cases.filter(received_at__lt=late).count()),
        ]
    )
    return Figure(
        "arenden_nu",
        _("Öppna ärenden just nu, per status"),
        [_("Status"), _("Ärenden")],
        rows,
        note=_("Just nu, oavsett vald period."),
    )


def _per_eservice(eservices, by_eservice, histograms) -> Figure:
    rows = []
    for e in sorted(eservices, key=lambda e: -by_eservice[(e.pk, Metric.SENT)]):
        started, sent = by_eservice[(e.pk, Metric.STARTED)], by_eservice[(e.pk, Metric.SENT)]
        rows.append(
            [
                e.name,
                shown(started),
                shown(sent),
                share(sent, started),
                duration(quantile(histograms[(e.pk, Measure.FILL_IN)], 0.5)),
                duration(quantile(histograms[(e.pk, Measure.DECISION)], 0.5)),
            ]
        )
    return Figure(
        "per_etjanst",
        _("Per e-tjänst"),
        [
            _("E-tjänst"),
            _("Påbörjade"),
            _("Skickade"),
            _("Andel skickade"),
            _("Mediantid att fylla i"),
            _("Mediantid till avslut"),
        ],
        rows,
    )


def _average(counts: dict[str, int]) -> str:
    n = sum(counts.values())
    if not n or is_small(n):
        return NOT_SHOWN
    return f"{sum(int(k) * v for k, v in counts.items()) / n:.1f}".replace(".", ",")


def _ratings(period, buckets, labels, ratings, by_key) -> Figure:
    rows = []
    for bucket, label in zip(buckets, labels, strict=True):
        counts = {k: ratings[(bucket, k)] for k in "12345"}
        rows.append([label, shown(sum(counts.values())), _average(counts)])
    overall = {k: by_key[(Metric.RATING, k)] for k in "12345"}
    rows.append([_("Hela perioden"), shown(sum(overall.values())), _average(overall)])
    return Figure(
        "betyg",
        _("Vad invånarna tycker (betyg 1–5)"),
        [_("Period"), _("Svar"), _("Medelbetyg")],
        rows,
        chart=charts.horizontal_bars(
            title=_("Betygen 1–5"),
            description=_("Hur många gav varje betyg, 1 (dåligt) till 5 (mycket bra)."),
            items=[(_("Betyg %(n)s") % {"n": k}, overall[k], shown(overall[k])) for k in "12345"],
        ),
    )


def _comments(eservice, period, version) -> list[str]:
    comments = SurveyComment.objects.filter(
        eservice=eservice, month__range=(period.start.replace(day=1), period.end)
    )
    if version is not None:
        comments = comments.filter(version=version)
    texts = sorted(comments.values_list("text", flat=True)[:500])
    # Fewer than the smallest number shown: none (who wrote it could be guessed).
    return [] if is_small(len(texts)) else texts
