#!/usr/bin/env python3
"""Benchmark: the statistics pages with 1,000 and with 1,000,000 recorded
events (issue 22).

    .venv/bin/python bench/stats_pages.py                # ~5 minutes on the shared box
    .venv/bin/python bench/stats_pages.py --quick --no-append

The statistics keep no events: recording adds to one counter row per
e-service, version, day and figure (etjanst.statistics.recording). So "N
events" is the rows N events leave. In a throw-away PostgreSQL 15 (bench/run.py's
`Stack.start_postgres`), in one process with Django's test client (the whole
middleware stack, a logged-in superuser with the one-time code):

1. small: 1,000 events on the measured e-service over its first 30 days;
2. big: 1,000,000 events on the measured e-service over 365 days, plus
   --others e-services with a year of counters each (INSERT … SELECT
   generate_series), so that the table is large, not only the e-service;
3. each page --runs times after a warm-up, the pages in turn: the e-service's
   default page (30 days per day), its year per week, and the whole
   municipality's year per month (with --more-pages also the municipality's
   year per week and per day, the committee's year per month and the
   open-data page); p50/p95 and the number of queries.

The day rows are written past recording (bulk_create, INSERT … SELECT), so
when the monthly roll-up exists (`manage.py rebuild_statistics_months`) it
is rebuilt from them, timed, before the pages are measured; on code from
before the roll-up the step is skipped, so the same script measures both.

Appends a Markdown block to docs/benchmarks.md (unless --no-append).
(Not named statistics.py: bench/run.py imports the standard library's
`statistics`, which a file of that name here would shadow.)
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

SLUG = "bench-synpunkt"
# (metric, key, detail, share of the day's events): what a day of one
# e-service leaves, roughly as the demo's made-up days do.
SHAPE = [
    ("started", "bankid", "", 0.20),
    ("started", "none", "", 0.06),
    ("started", "anonymous", "", 0.03),
    ("step", "steg-1", "", 0.25),
    ("step", "steg-2", "", 0.21),
    ("step", "steg-3", "", 0.18),
    ("invalid", "namn", "Fyll i ”Namn”.", 0.02),
    ("invalid", "epost", "Skriv en e-postadress som namn@exempel.se.", 0.02),
    ("invalid", "datum", "Skriv datumet som ÅÅÅÅ-MM-DD.", 0.01),
    ("draft_saved", "", "", 0.01),
    ("draft_resumed", "", "", 0.005),
    ("discarded", "", "", 0.005),
    ("sent", "bankid", "", 0.12),
    ("sent", "none", "", 0.03),
    ("sent", "anonymous", "", 0.01),
    ("status", "handlaggs", "Under handläggning", 0.05),
    ("status", "avslutat", "Avslutat", 0.05),
    ("first_reply", "", "", 0.04),
    ("decided", "", "", 0.05),
    ("rating", "4", "", 0.005),
    ("rating", "5", "", 0.005),
]
FILL_IN_BUCKETS = [120, 180, 300, 420, 600, 900, 1200, 1800]
DECISION_BUCKETS = [86400 * d for d in (1, 2, 3, 4, 5, 7, 10, 14, 21, 30)]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, 10 other e-services")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--others", type=int, default=100, help="other e-services, a year each")
    parser.add_argument("--skicka-rounds", type=int, default=6)
    parser.add_argument("--skicka-flows", type=int, default=10, help="flows per mode and round")
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument(
        "--more-pages",
        action="store_true",
        help="also the municipality's year per week and per day, a committee's year, /statistik/",
    )
    parser.add_argument("--no-skicka", action="store_true", help="only the pages")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.others, args.skicka_rounds, args.skicka_flows = 10, 10, 2, 5
    return args


# -- the child: Django in-process against the throw-away database ---------------


def child(args) -> dict:
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log kept in memory, as in production
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from etjanst.eservices.models import EService
    from etjanst.statistics.models import DailyCount

    call_command("migrate", verbosity=0)
    call_command("load_eservices", str(BENCH / "eservice.json"), verbosity=0)
    eservice = EService.objects.get(slug=SLUG)
    user = get_user_model().objects.create_superuser("bench", "bench@exempelby.se", "x")
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    pages = {
        "e-service, 30 days per day": f"/handlaggning/statistik/e-tjanster/{eservice.pk}/",
        "e-service, a year per week": f"/handlaggning/statistik/e-tjanster/{eservice.pk}/"
        "?fran={year_ago}&per=vecka",
        "municipality, a year per month": "/handlaggning/statistik/kommunen/"
        "?fran={year_ago}&per=manad",
    }
    if args.more_pages:
        # The other e-services are copies of the measured one, in its committee.
        pages |= {
            "municipality, a year per week": "/handlaggning/statistik/kommunen/"
            "?fran={year_ago}&per=vecka",
            "municipality, a year per day": "/handlaggning/statistik/kommunen/"
            "?fran={year_ago}&till={today}&per=dag",
            "committee, a year per month": "/handlaggning/statistik/namnder/"
            f"{eservice.committee_id}/?fran={{year_ago}}&per=manad",
            "open data, 12 months": "/statistik/",
        }
    results = {"skicka": None if args.no_skicka else _skicka(args)}
    for label, events, days, others in (
        ("1,000 events", 1_000, 30, 0),
        ("1,000,000 events", 1_000_000, 365, args.others),
    ):
        DailyCount.objects.all().delete()
        from etjanst.statistics.models import DailyDuration

        DailyDuration.objects.all().delete()
        started = time.perf_counter()
        _grow(eservice, events, days, others)
        rollup_s = None
        if args.more_pages:
            from etjanst.statistics.models import EServiceOptions

            for pk in EService.objects.values_list("pk", flat=True):
                EServiceOptions.objects.update_or_create(
                    eservice_id=pk, defaults={"open_data": True}
                )
        # _grow writes day rows past recording: sum them into the month rows
        # as an operator would (the command exists from the roll-up on).
        from django.core.management import get_commands

        if "rebuild_statistics_months" in get_commands():
            t0 = time.perf_counter()
            call_command("rebuild_statistics_months", stdout=io.StringIO())
            rollup_s = time.perf_counter() - t0
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE statistics_dailycount")
            cursor.execute("VACUUM ANALYZE statistics_dailyduration")
            if rollup_s is not None:
                cursor.execute("VACUUM ANALYZE statistics_monthlycount")
                cursor.execute("VACUUM ANALYZE statistics_monthlyduration")
        rows = DailyCount.objects.count() + DailyDuration.objects.count()
        measured = DailyCount.objects.filter(eservice=eservice).count()
        grow_s = time.perf_counter() - started
        per_page = {}
        from django.utils import timezone

        today = timezone.localdate()
        # A year per day is at most 366 days: from a year ago but one day.
        year_ago = (today.replace(year=today.year - 1) + datetime.timedelta(days=1)).isoformat()
        urls = {
            name: url.format(year_ago=year_ago, today=today.isoformat())
            for name, url in pages.items()
        }
        for url in urls.values():  # warm-up
            assert client.get(url).status_code == 200, url
        for name, url in urls.items():
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            per_page[name] = {"queries": len(queries), "times": []}
        for _ in range(args.runs):
            for name, url in urls.items():
                t0 = time.perf_counter()
                response = client.get(url)
                per_page[name]["times"].append(time.perf_counter() - t0)
                assert response.status_code == 200
        results[label] = {
            "rows": rows,
            "rows_measured": measured,
            "grow_s": grow_s,
            "rollup_s": rollup_s,
            "pages": per_page,
        }
    return results


def _skicka(args) -> dict:
    """The resident's flow (bench/profile_flow.py's, in-process) with the
    statistics' receivers disconnected and connected, in alternating rounds
    so that the machine's load falls on both alike."""
    from collections import defaultdict
    from http.cookies import SimpleCookie

    import profile_flow
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from etjanst.statistics import receivers

    # The benchmark sends hundreds of cases from one address.
    settings.ETJANST_RATE_SUBMISSIONS_PER_CLIENT = ""
    settings.ETJANST_RATE_SUBMISSIONS_PER_ESERVICE = ""
    # profile_flow's client says https through the proxy header, as production trusts it.
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    shared = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_PROTO="https")

    def client():
        shared.cookies = SimpleCookie()
        return shared

    for n in range(5):
        profile_flow.run_flow(client(), n, None, None)
    modes = {"without recording": receivers.disconnect, "with recording": receivers.connect}
    timings = {mode: [defaultdict(list) for _ in profile_flow.NAMES] for mode in modes}
    qlog = profile_flow.QueryLog()
    n = 100
    with connection.execute_wrapper(qlog):
        for round_ in range(args.skicka_rounds):
            order = list(modes) if round_ % 2 == 0 else list(modes)[::-1]
            for mode in order:
                modes[mode]()
                for _ in range(args.skicka_flows):
                    n += 1
                    profile_flow.run_flow(client(), n, timings[mode], qlog)
    receivers.connect()
    out = {}
    for mode, per_request in timings.items():
        skicka = per_request[5]
        flows = [sum(r["ms"][i] for r in per_request) for i in range(len(skicka["ms"]))]
        out[mode] = {
            "skicka_ms": skicka["ms"],
            "skicka_queries": skicka["queries"][-1],
            "flow_ms": flows,
            "flow_queries": sum(r["queries"][-1] for r in per_request),
        }
    return out


def _grow(eservice, events: int, days: int, others: int) -> None:
    """The rows `events` events over `days` days up to today leave, for the
    measured e-service (in Python), and a year of rows for `others` more."""
    import datetime

    from django.db import connection
    from django.utils import timezone

    from etjanst.statistics.models import DailyCount, DailyDuration

    rng = random.Random(22)
    today = timezone.localdate()
    per_day = events / days
    counts, times = [], []
    for back in range(days):
        day = today - datetime.timedelta(days=back)
        for metric, key, detail, share in SHAPE:
            n = round(per_day * share * rng.uniform(0.7, 1.3))
            if n:
                row = {"metric": metric, "key": key, "detail": detail, "count": n}
                counts.append(DailyCount(eservice=eservice, version=1, day=day, **row))
        sent = max(1, round(per_day * 0.16))
        for measure, buckets in (("fill_in", FILL_IN_BUCKETS), ("decision", DECISION_BUCKETS)):
            for bucket in buckets:
                n = round(sent / len(buckets) * rng.uniform(0.5, 1.5))
                if n:
                    row = {"measure": measure, "bucket": bucket, "count": n}
                    times.append(DailyDuration(eservice=eservice, version=1, day=day, **row))
    DailyCount.objects.bulk_create(counts, batch_size=5000)
    DailyDuration.objects.bulk_create(times, batch_size=5000)
    if not others:
        return
    from etjanst.eservices.models import EService

    template = EService.objects.get(pk=eservice.pk)
    ids = []
    for n in range(others):
        template.pk, template.slug, template.name = None, f"annan-{n}", f"Annan e-tjänst {n}"
        template.save()
        ids.append(template.pk)
    values = ", ".join(
        f"('{m}', '{k}', '{d}')" for m, k, d, _s in SHAPE
    )  # constants of this file only
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO statistics_dailycount"  # noqa: S608 (constants above, no input)
            " (eservice_id, version, day, metric, key, detail, count)"
            " SELECT e, 1, CURRENT_DATE - d, m.metric, m.key, m.detail,"
            " 1 + floor(random() * 40)::int"
            " FROM unnest(%s::bigint[]) AS e, generate_series(0, 364) AS d,"
            f" (VALUES {values}) AS m(metric, key, detail)",
            [ids],
        )
        cursor.execute(
            "INSERT INTO statistics_dailyduration"
            " (eservice_id, version, day, measure, bucket, count)"
            " SELECT e, 1, CURRENT_DATE - d, 'fill_in', b, 1 + floor(random() * 5)::int"
            " FROM unnest(%s::bigint[]) AS e, generate_series(0, 364) AS d,"
            " unnest(%s::int[]) AS b",
            [ids, FILL_IN_BUCKETS],
        )


# -- the parent: the database, the child, the report -----------------------------


def report(results: dict, args, machine: dict) -> str:
    import run as R

    lines = [
        f"### Statistics pages, run of {machine['date']} — commit {machine['commit']}",
        "",
        f"{machine['nproc']} × {machine['cpu']}, Python {machine['python']}, PostgreSQL 15 "
        "(throw-away, started by the script). In-process: Django's test client through "
        "the whole middleware stack, a superuser with the one-time code, "
        f"{args.runs} requests per page after a warm-up, pages in turn. The machine is "
        "shared with other agents' jobs: read the p95 as an upper bound.",
        "",
        "| events recorded | counter rows (all / the e-service) | page | queries | p50 | p95 |",
        "|---|---|---|---|---|---|",
    ]
    skicka = results.pop("skicka")
    rebuilt = []
    for label, result in results.items():
        if result.get("rollup_s") is not None:
            rebuilt.append(f"{label}: {result['rollup_s']:.1f} s")
        for page, data in result["pages"].items():
            times = data["times"]
            lines.append(
                f"| {label} | {result['rows']:,} / {result['rows_measured']:,} | {page} | "
                f"{data['queries']} | {R.ms(R.percentile(times, 0.5))} | "
                f"{R.ms(R.percentile(times, 0.95))} |"
            )
    if rebuilt:
        lines += [
            "",
            "The day rows were written past recording, then summed into the month rows "
            "with `manage.py rebuild_statistics_months` (" + "; ".join(rebuilt) + ").",
        ]
    if skicka is None:
        lines.append("")
        return "\n".join(lines)
    lines += [
        "",
        "Skicka with and without recording (bench/profile_flow.py's flow in-process, "
        f"{args.skicka_rounds} alternating rounds of {args.skicka_flows} flows per mode):",
        "",
        "| | Skicka p50 | Skicka p95 | Skicka queries | flow (7 requests) p50 | flow queries |",
        "|---|---|---|---|---|---|",
    ]
    for mode, data in skicka.items():
        lines.append(
            f"| {mode} | {R.fmt(R.percentile(data['skicka_ms'], 0.5))} ms | "
            f"{R.fmt(R.percentile(data['skicka_ms'], 0.95))} ms | {data['skicka_queries']} | "
            f"{R.fmt(R.percentile(data['flow_ms'], 0.5))} ms | {data['flow_queries']} |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0
    import run as R

    tmp = Path(tempfile.mkdtemp(prefix="etjanst-bench-stats-"))
    os.chmod(tmp, 0o755)  # noqa: S103 (postgres must reach its folder inside)
    stack = R.Stack(tmp, args)
    try:
        R.log("Starting a throw-away PostgreSQL 15")
        database_url = stack.start_postgres()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ETJANST_"))},
            "DJANGO_SETTINGS_MODULE": "etjanst.config.settings.dev",
            "DATABASE_URL": database_url,
            "ETJANST_VAR_DIR": str(tmp / "var"),
            "PYTHONPATH": str(ROOT / "src"),
        }
        R.log("Growing the counters and timing the pages (in-process)")
        child_args = [sys.executable, __file__, "--child", "--runs", str(args.runs)]
        child_args += ["--others", str(args.others)]
        child_args += ["--skicka-rounds", str(args.skicka_rounds)]
        child_args += ["--skicka-flows", str(args.skicka_flows)]
        child_args += ["--more-pages"] * args.more_pages + ["--no-skicka"] * args.no_skicka
        done = subprocess.run(
            child_args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600
        )
        if done.returncode != 0:
            print(done.stderr[-4000:], file=sys.stderr)
            return 1
        results = json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        stack.close()
    block = report(results, args, R.machine())
    print(block)
    if not args.no_append:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as f:
            f.write("\n" + block)
    return 0


if __name__ == "__main__":
    sys.exit(main())
