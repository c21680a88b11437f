#!/usr/bin/env python3
"""Benchmark B3: Mina ärenden with 1,000 cases and with 1,000,000 cases in
the database, one person owning 500 of them.

    .venv/bin/python bench/mypages.py                      # ~17 minutes on the shared box
    .venv/bin/python bench/mypages.py --quick --no-append  # a smoke run, 20,000 cases

Starts, in a temporary folder, a throw-away PostgreSQL 15 and the platform as
in production (bench/run.py's stack: gunicorn, 5 sync workers, production
settings, DEBUG off), plus a second database in the same PostgreSQL with a
second gunicorn (same settings). Then, in one run:

1. both databases get the same 1,000 cases (same SQL, same random seed): one
   resident (a test personnummer) owns 500, spread over three years among the
   others' cases; one of them has five messages;
2. the SQL queries of each page are counted in-process at 1,000
   (bench/mypages_inprocess.py: Django's test client, CaptureQueriesContext);
3. the second ("big") database is bulk-inserted up to --cases (INSERT ...
   SELECT generate_series, with "received"/status events and ~5 % with a
   message), VACUUM ANALYZE; its queries are counted again;
4. with N concurrent clients (4 and 8) logged in as that person: the list
   /mina-sidor/arenden/ (first page and ?sida=10) and the case page
   /mina-sidor/arenden/<id>/, in fixed windows after a warm-up, the small and
   the big database alternating window by window (the order swapped every
   round), repeated: p50/p95, req/s, server CPU per request (/proc).

Reports the p95 ratio big ÷ small per page (target ≤ 1.2) and the query
counts (must be equal). Logging in is a session row written as
etjanst.eid.session.login writes it (no BankID). Appends a Markdown block to
docs/benchmarks.md. Everything it starts is stopped in a finally block.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as R  # bench/run.py: the stack, CPU meter, browser, report helpers

HOST = R.HOST  # loopback only
log, fmt, ms, percentile, median = R.log, R.fmt, R.ms, R.percentile, R.median
PERSONNUMMER_FILE = Path(
    os.environ.get("TESTPERSONNUMMER", "/work/shared/data/testpersonnummer.json")
)
SMALL = 1_000  # cases in the first measurement
OWNED = 500  # cases of the measured person
BATCH = 100_000  # cases per INSERT when growing
SPAN_DAYS = 3 * 365  # received_at is spread over this many days before now
SESSION_COOKIE = "__Host-sessionid"  # production settings (checked in main)
WORDS = " ".join(R.WORDS)
COOKIE_NAME_CODE = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.SESSION_COOKIE_NAME)"
)


# --------------------------------------------------------------------------
# Data: residents and cases straight into PostgreSQL
# --------------------------------------------------------------------------


class Data:
    """Makes the cases with SQL (fast), through one psycopg connection."""

    def __init__(self, database_url: str) -> None:
        import psycopg

        self.db = psycopg.connect(database_url, autocommit=True)
        row = self.one(
            "SELECT e.id, e.committee_id, v.id FROM eservices_eservice e "
            "JOIN eservices_eserviceversion v ON v.eservice_id = e.id "
            "WHERE e.slug = %s AND v.published_at IS NOT NULL ORDER BY v.number DESC LIMIT 1",
            (R.SLUG,),
        )
        self.eservice, self.committee, self.version = row
        self.status = dict(
            self.db.execute(
                "SELECT code, id FROM cases_status WHERE eservice_id IS NULL"
            ).fetchall()
        )
        self.owner: int | None = None
        self.personnummer = ""
        self.others: list[int] = []
        self.case_id: int | None = None
        self.case_number = ""
        self.next_g = 1  # registration sequence of the next case

    def one(self, sql: str, params=()):
        return self.db.execute(sql, params).fetchone()

    def scalar(self, sql: str, params=()):
        return self.one(sql, params)[0]

    def close(self) -> None:
        self.db.close()

    def residents(self) -> None:
        numbers = json.loads(PERSONNUMMER_FILE.read_text())["personnummer"]
        self.personnummer = numbers[0]
        with self.db.cursor() as cur:
            cur.executemany(
                "INSERT INTO people_resident (personnummer, given_name, surname, created_at) "
                "VALUES (%s, %s, %s, now())",
                [(pnr, "Test", f"Person {i}") for i, pnr in enumerate(numbers)],
            )
        self.owner = self.scalar(
            "SELECT id FROM people_resident WHERE personnummer = %s", (self.personnummer,)
        )
        self.db.execute(
            "UPDATE people_resident SET given_name = 'Anna', surname = 'Benchsson' WHERE id = %s",
            (self.owner,),
        )
        self.others = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM people_resident WHERE id <> %s ORDER BY id", (self.owner,)
            )
        ]

    COLUMNS = (
        "eservice_id, version_id, committee_id, registration_year, registration_sequence, "
        "registration_number, received_at, answers, submission_key, receipt_token, "
        "receipt_pdf, confirmation_sent_at, signature, owner_id, status_id, status_changed_at"
    )

    def generate(self, count: int, owner_sql: str, params: dict) -> None:
        """`count` cases into the staging table bench_src: random received_at
        over the last SPAN_DAYS, every NOT NULL column of cases_case filled.
        `owner_sql`: the owner_id of row g (may use random())."""
        g0 = self.next_g
        self.next_g += count
        # owner_sql, COLUMNS and SPAN_DAYS are this file's constants; values are parameters.
        self.db.execute(
            f"""
            INSERT INTO bench_src ({self.COLUMNS})
            SELECT %(eservice)s, %(version)s, %(committee)s, extract(year FROM t.at)::int,
                t.g, 'BN ' || extract(year FROM t.at)::int || '/' || lpad(t.g::text, 7, '0'),
                t.at,
                jsonb_build_object(
                    'namn', 'Testperson ' || t.g,
                    'epost', 'bench' || t.g || '@example.se',
                    'antal', t.g %% 1000,
                    'datum', to_char(t.at, 'YYYY-MM-DD'),
                    'beskrivning',
                    initcap(substr(%(words)s::text, (1 + t.g %% 60)::int, 220)) || '.'),
                md5('submission ' || t.g)::uuid,
                'b' || md5('receipt ' || t.g) || '-' || t.g,
                '', t.at + interval '1 minute', NULL, t.owner,
                CASE WHEN t.r < 0.45 THEN %(inkommet)s WHEN t.r < 0.75 THEN %(handlaggs)s
                     WHEN t.r < 0.80 THEN %(komplettering)s ELSE %(avslutat)s END,
                CASE WHEN t.r < 0.45 THEN t.at ELSE t.at + interval '3 days' END
            FROM (
                SELECT g, random() AS r,
                       now() - interval '1 hour' - random() * interval '{SPAN_DAYS} days' AS at,
                       {owner_sql} AS owner
                FROM generate_series(%(g0)s::bigint, %(g1)s::bigint) AS g
            ) AS t
            """,  # noqa: S608
            {
                "eservice": self.eservice,
                "version": self.version,
                "committee": self.committee,
                "words": (WORDS + " ") * 4,
                "g0": g0,
                "g1": g0 + count - 1,
                **{code: self.status[code] for code in self.status},
                **params,
            },
        )

    def move(self, since, until) -> None:
        """Staged cases received in [since, until) into cases_case in the
        order they were received (ids grow with time, as in production, so a
        person's cases lie scattered over the table), with their history:
        the "received" event, the status change for those no longer in the
        first status, and a message from staff on ~5 % (half unread)."""
        first_id = self.scalar("SELECT coalesce(max(id), 0) FROM cases_case")
        self.db.execute(
            f"INSERT INTO cases_case ({self.COLUMNS}) SELECT {self.COLUMNS} FROM bench_src "  # noqa: S608
            "WHERE (%(since)s::timestamptz IS NULL OR received_at >= %(since)s::timestamptz) "
            "AND (%(until)s::timestamptz IS NULL OR received_at < %(until)s::timestamptz) "
            "ORDER BY received_at, registration_sequence",
            {"since": since, "until": until},
        )
        self.db.execute(
            """
            INSERT INTO cases_caseevent (case_id, kind, status_id, at, visible_to_resident)
            SELECT id, 'received', %(inkommet)s, received_at, true
            FROM cases_case WHERE id > %(first)s
            UNION ALL
            SELECT id, 'status', status_id, status_changed_at, true
            FROM cases_case WHERE id > %(first)s AND status_id <> %(inkommet)s
            ORDER BY 4, 1
            """,
            {"first": first_id, "inkommet": self.status["inkommet"]},
        )
        self.db.execute(
            """
            INSERT INTO cases_message (case_id, from_staff, body, created_at, read_at,
                                       client_key)
            SELECT id, true, 'Vi behöver ett foto av platsen. Svara här.',
                   received_at + interval '2 days',
                   CASE WHEN registration_sequence %% 40 = 0
                        THEN received_at + interval '3 days' END,
                   gen_random_uuid()
            FROM cases_case WHERE id > %(first)s AND registration_sequence %% 20 = 0
            ORDER BY id
            """,
            {"first": first_id},
        )

    def seed(self, total: int, deadline: float, case_number: str | None = None) -> float:
        """SMALL cases — OWNED of them the measured person's, every other
        one, interleaved in time with the others' — and then, when `total` is
        larger, the other cases up to `total`, of other (synthetic) residents
        or of nobody (sent without login). The first SMALL cases are the same
        in every database seeded so (same statements, same random seed).
        Returns the seconds it took, VACUUM ANALYZE included."""
        started = time.monotonic()
        self.db.execute(
            f"CREATE UNLOGGED TABLE bench_src AS SELECT {self.COLUMNS} FROM cases_case "  # noqa: S608
            "WITH NO DATA"
        )
        self.residents()
        self.db.execute("SELECT setseed(0.42)")
        self.generate(
            SMALL,
            "CASE WHEN g %% 2 = 0 THEN %(owner)s::bigint WHEN random() < 0.3 THEN NULL "
            "ELSE (%(others)s::bigint[])[1 + floor(random() * %(n_others)s)::int] END",
            {"owner": self.owner, "others": self.others, "n_others": len(self.others)},
        )
        missing = total - SMALL
        if missing > 0:
            # Synthetic residents (foreign_id, no personnummer): ~3.5 cases each.
            lo = self.scalar("SELECT max(id) FROM people_resident") + 1
            self.db.execute(
                "INSERT INTO people_resident (foreign_id, given_name, surname, created_at) "
                "SELECT 'bench-' || g, 'Test', 'Person ' || g, now() "
                "FROM generate_series(1, %s) AS g",
                (max(missing // 5, 1),),
            )
            hi = self.scalar("SELECT max(id) FROM people_resident")
            done = 0
            while done < missing:
                self.check_time(deadline)
                count = min(BATCH, missing - done)
                self.generate(
                    count,
                    "CASE WHEN random() < 0.3 THEN NULL "
                    "ELSE %(lo)s::bigint + floor(random() * %(span)s)::bigint END",
                    {"lo": lo, "span": hi - lo + 1},
                )
                done += count
            log(f"  {total:,} cases generated ({time.monotonic() - started:.0f} s)")
        # Into cases_case in time order, in slices of about BATCH cases.
        slices = max(-(-total // BATCH), 1)
        if slices > 1:
            self.db.execute("CREATE INDEX ON bench_src (received_at)")
        bounds = [None, None]
        if slices > 1:
            cuts = self.scalar(
                "SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY received_at) "
                "FROM bench_src",
                ([k / slices for k in range(1, slices)],),
            )
            bounds = [None, *cuts, None]
        for since, until in itertools.pairwise(bounds):
            self.check_time(deadline)
            self.move(since, until)
            if slices > 1:
                moved = self.scalar("SELECT count(*) FROM cases_case")
                log(f"  {moved:,} cases in cases_case ({time.monotonic() - started:.0f} s)")
        self.db.execute("DROP TABLE bench_src")
        owned = self.scalar("SELECT count(*) FROM cases_case WHERE owner_id = %s", (self.owner,))
        if owned != OWNED:
            raise RuntimeError(f"the person owns {owned} cases, not {OWNED}")
        self.thread(case_number)
        self.vacuum()
        return time.monotonic() - started

    def check_time(self, deadline: float) -> None:
        if time.monotonic() > deadline or R.STOP.is_set():
            raise RuntimeError("making the cases took longer than --grow-limit")

    def thread(self, case_number: str | None) -> None:
        """The case page: an ongoing case of the person from the middle of the
        period (or the one with `case_number`), with five messages."""
        if case_number is None:
            case_number = self.scalar(
                """
                SELECT c.registration_number FROM cases_case c
                JOIN cases_status s ON s.id = c.status_id
                WHERE c.owner_id = %s AND s.kind <> 'closed'
                ORDER BY abs(extract(epoch FROM c.received_at - (now() - %s * interval '1 day'))),
                         c.registration_sequence
                LIMIT 1
                """,
                (self.owner, SPAN_DAYS / 2),
            )
        self.case_number = case_number
        self.case_id = self.scalar(
            "SELECT id FROM cases_case WHERE registration_number = %s AND owner_id = %s",
            (case_number, self.owner),
        )
        self.db.execute("DELETE FROM cases_message WHERE case_id = %s", (self.case_id,))
        for n, (from_staff, body) in enumerate(
            [
                (True, "Hej! Vi har tagit emot din synpunkt och tittar på den."),
                (False, "Tack. Lampan är fortfarande trasig."),
                (True, "Kan du skicka en bild på platsen?"),
                (False, "Ja, jag skickar en i morgon."),
                (True, "Tack, vi har beställt en reparation."),
            ]
        ):
            self.db.execute(
                "INSERT INTO cases_message (case_id, from_staff, body, created_at, read_at, "
                "client_key) SELECT id, %s, %s, received_at + %s * interval '1 day', "
                "received_at + %s * interval '1 day' + interval '1 hour', gen_random_uuid() "
                "FROM cases_case WHERE id = %s",
                (from_staff, body, n + 1, n + 1, self.case_id),
            )

    def fingerprint(self) -> str:
        """What must be the same in every database: the person's cases."""
        return self.scalar(
            "SELECT md5(string_agg(registration_number || status_id || answers::text, ',' "
            "ORDER BY registration_number)) FROM cases_case WHERE owner_id = %s",
            (self.owner,),
        )

    def vacuum(self) -> None:
        """VACUUM ANALYZE now, so autovacuum does not start inside a window."""
        for table in ("people_resident", "cases_case", "cases_caseevent", "cases_message"):
            self.db.execute(f"VACUUM (ANALYZE) {table}")
        self.db.execute("CHECKPOINT")

    def sizes(self) -> dict:
        return {
            "cases": self.scalar("SELECT count(*) FROM cases_case"),
            "owned": self.scalar(
                "SELECT count(*) FROM cases_case WHERE owner_id = %s", (self.owner,)
            ),
            "owned ongoing": self.scalar(
                "SELECT count(*) FROM cases_case c JOIN cases_status s ON s.id = c.status_id "
                "WHERE c.owner_id = %s AND s.kind <> 'closed'",
                (self.owner,),
            ),
            "events": self.scalar("SELECT count(*) FROM cases_caseevent"),
            "messages": self.scalar("SELECT count(*) FROM cases_message"),
            "residents": self.scalar("SELECT count(*) FROM people_resident"),
            "cases_case size": self.scalar(
                "SELECT pg_size_pretty(pg_total_relation_size('cases_case'))"
            ),
        }


# --------------------------------------------------------------------------
# The load: N logged-in browsers, each GETting one page in a loop
# --------------------------------------------------------------------------


class Site:
    """One database and the gunicorn serving it: the small one (SMALL cases)
    or the big one (--cases). Both run side by side so that their windows
    can alternate: noise from other jobs on the machine falls on both."""

    def __init__(self, label: str, stack, env: dict, gunicorn, port: int) -> None:
        self.label, self.stack, self.env = label, stack, env
        self.gunicorn, self.port = gunicorn, port
        self.data: Data | None = None
        self.queries: dict = {}
        self.sessions: list[str] = []
        self.sizes: dict = {}
        self.inprocess_rounds: list[dict] = []

    def cpu_groups(self) -> dict[str, list[int]]:
        return {
            "gunicorn": [self.gunicorn.pid],
            "postgres": [self.stack.postmaster_pid()],
            "load generator": [os.getpid()],
        }

    def inprocess(self, *arguments: str) -> object:
        out = subprocess.run(
            [R.PY, str(R.BENCH / "mypages_inprocess.py"), *arguments],
            cwd=R.ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if out.returncode != 0:
            raise RuntimeError(f"mypages_inprocess.py {arguments[0]} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout)

    def count_queries(self, explain: bool) -> None:
        data = self.data
        log(f"[{self.label}] queries per page, in-process")
        self.queries = self.inprocess(
            "queries",
            *("--personnummer", data.personnummer, "--case", str(data.case_id)),
            *(["--explain"] if explain else []),
        )
        for name, page in self.queries.items():
            log(f"  {name}: {page['queries']} queries ({page['ms']:.1f} ms in-process)")

    def time_inprocess(self, timed: int) -> None:
        """Django alone: `timed` requests of each page in-process; the query
        counts are checked again on the way."""
        result = self.inprocess(
            "queries",
            *("--personnummer", self.data.personnummer, "--case", str(self.data.case_id)),
            *("--timed", str(timed)),
        )
        for name, page in result.items():
            if page["queries"] != self.queries[name]["queries"]:
                raise RuntimeError(f"{name} @ {self.label}: the query count changed")
        self.inprocess_rounds.append({name: page["times_ms"] for name, page in result.items()})

    def log_in(self, count: int) -> None:
        self.sessions = self.inprocess(
            "sessions", "--personnummer", self.data.personnummer, "--count", str(count)
        )

    def pages(self) -> dict[str, str]:
        return {
            "list": "/mina-sidor/arenden/",
            "list ?sida=10": "/mina-sidor/arenden/?sida=10",
            "case": f"/mina-sidor/arenden/{self.data.case_id}/",
        }


def start_second_site(stack, label: str) -> Site:
    """A second database in the same PostgreSQL, migrated and loaded like the
    first, and a second gunicorn (same settings, same SECRET_KEY) for it."""
    database = "etjanst_small"
    subprocess.run(
        [
            *stack.as_pg,
            *(str(R.PG_BIN / "createdb"), "-h", str(stack.pg_data.parent)),
            *("-p", stack.env["DATABASE_URL"].rsplit(":", 1)[1].split("/")[0]),
            *("-U", "etjanst", database),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    env = {
        **stack.env,
        "DATABASE_URL": stack.env["DATABASE_URL"].rsplit("/", 1)[0] + "/" + database,
    }
    stack.manage("migrate", "--noinput", env=env)
    stack.manage("load_eservices", str(R.BENCH / "eservice.json"), env=env)
    port = R.free_port()
    cmd = [
        str(R.VENV_BIN / "gunicorn"),
        "etjanst.config.wsgi",
        *("--bind", f"{HOST}:{port}", "--workers", str(stack.args.workers)),
        *("--worker-class", "sync", "--backlog", "2048"),
        *("--timeout", "60", "--log-level", "warning"),
    ]
    log(f"Starting a second gunicorn for {database}: {stack.args.workers} × sync on {HOST}:{port}")
    proc = stack.popen("gunicorn_small", cmd, env=env)
    R.wait_for_port(port, 60)
    return Site(label, stack, env, proc, port)


def page_check(name: str, data: Data, body: bytes) -> str | None:
    if name == "case":
        number = data.case_number.encode()
        return None if number in body else "no registration number in the case page"
    if b'class="case-list"' not in body:
        return "no case list"
    if name.endswith("10") and b"Sida 10 av" not in body:
        return "not page 10"
    return None


def run_window(site: Site, name: str, clients: int, args) -> dict:
    path = site.pages()[name]
    sessions = site.sessions[:clients]
    background = R.wait_for_quiet(args.quiet_wait) if args.quiet_wait else None
    results: list[list[tuple[float, float, str | None]]] = [[] for _ in range(clients)]
    started = time.perf_counter()
    window_from = started + args.warmup
    window_to = window_from + args.duration

    def loop(i: int) -> None:
        browser = R.Browser(site.port)
        browser.cookies[SESSION_COOKIE] = sessions[i]
        while not R.STOP.is_set() and time.perf_counter() < window_to:
            t0 = time.perf_counter()
            try:
                response, _t = browser.request("GET", path)
                if response.status != 200:
                    error = f"HTTP {response.status}"
                else:
                    error = page_check(name, site.data, response.body)
            except (R.FlowError, OSError, ValueError) as exc:
                browser.close()
                error = type(exc).__name__
            results[i].append((t0, time.perf_counter(), error))
        browser.close()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    meter = R.CpuMeter(site.cpu_groups())
    R._sleep_until(window_from)
    meter.start()
    R._sleep_until(window_to)
    cpu = meter.stop()
    for thread in threads:
        thread.join(timeout=max(window_to + 60 - time.perf_counter(), 1))
    if R.STOP.is_set():
        raise R.Interrupted
    flat = [r for rs in results for r in rs]
    inside = [r for r in flat if window_from <= r[1] <= window_to]
    ok = [r for r in inside if r[2] is None]
    whole = [r[1] - r[0] for r in ok if r[0] >= window_from]
    errors: dict[str, int] = {}
    for r in flat:
        if r[2]:
            errors[r[2]] = errors.get(r[2], 0) + 1
    server = (cpu.get("gunicorn", 0) + cpu.get("postgres", 0)) / 100 if cpu else 0
    return {
        "page": name,
        "clients": clients,
        "done": len(ok),
        "failed": len(inside) - len(ok),
        "rate": len(ok) / args.duration,
        "p50": percentile(whole, 0.5),
        "p95": percentile(whole, 0.95),
        "errors": errors,
        "cpu": cpu,
        "server_cpu_ms": server * args.duration * 1000 / len(ok) if ok and cpu else None,
        "background": background,
    }


def measure(small: Site, big: Site, args) -> dict[str, list[dict]]:
    """Every (page, clients) window on both sites, one after the other, the
    order of the two swapped each round; repeated."""
    windows: dict[str, list[dict]] = {small.label: [], big.label: []}
    for round_no in range(1, args.repeats + 1):
        order = (small, big) if round_no % 2 else (big, small)
        if args.timed:
            for site in order:
                site.time_inprocess(args.timed)
                times = site.inprocess_rounds[-1]
                log(
                    f"round {round_no}, in-process @ {site.label}: "
                    + ", ".join(
                        f"{name} p50 {percentile(t, 0.5):.1f} ms p95 {percentile(t, 0.95):.1f} ms"
                        for name, t in times.items()
                    )
                )
        for clients in args.clients:
            for name in small.pages():
                for site in order:
                    w = run_window(site, name, clients, args)
                    w["round"] = round_no
                    windows[site.label].append(w)
                    log(
                        f"round {round_no}, {clients} clients, {name} @ {site.label}: "
                        f"{w['rate']:.0f} req/s, p50 {ms(w['p50'])}, p95 {ms(w['p95'])}, "
                        f"server CPU {fmt(w['server_cpu_ms'], 1)} ms/req, failed {w['failed']}; "
                        f"{R.cpu_line(w['cpu'])}"
                    )
                    for error, count in list(w["errors"].items())[:3]:
                        log(f"    error ×{count}: {error}")
    return windows


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def summarise(windows: list[dict], clients: int, page: str) -> dict:
    ws = [w for w in windows if w["clients"] == clients and w["page"] == page]
    return {
        "rate": median([w["rate"] for w in ws]),
        "p50": median([w["p50"] for w in ws]),
        "p95": median([w["p95"] for w in ws]),
        "cpu": median([w["server_cpu_ms"] for w in ws]),
        "failed": sum(w["failed"] for w in ws),
        "others": median([w["cpu"].get("other processes") for w in ws if w["cpu"]]),
        "p95s": [w["p95"] for w in ws],
    }


def ratio(a, b):
    return a / b if a is not None and b else None


def execution_time(plan: list[str]) -> str:
    for line in plan:
        if line.strip().startswith("Execution Time:"):
            return line.split(":", 1)[1].strip()
    return "–"


def plan_lines(queries: dict, limit: int = 40) -> list[str]:
    lines = []
    for name, page in queries.items():
        for item in page.get("plans", []):
            plan = item["plan"]
            timing = [p.strip() for p in plan if p.strip().startswith("Execution Time")]
            lines.append(f"-- {name}: {item['sql'][:100]}…  [{', '.join(timing)}]")
            lines += [f"   {p}" for p in plan[:limit]]
            if len(plan) > limit:
                lines.append(f"   … ({len(plan) - limit} more lines)")
    return lines


def report(
    small: Site, big: Site, windows: dict, args, info: dict, grow_seconds: float, notes=()
) -> str:
    big_n, small_n = big.sizes["cases"], small.sizes["cases"]
    pages = list(small.queries)
    ongoing = small.sizes["owned ongoing"]
    lines = [
        f"### B3 — Mina ärenden, run of {info['date']} — commit {info['commit']}",
        "",
        f"- Machine: `nproc` = {info['nproc']}, {info['cpu']}; Python {info['python']}. "
        f"**The load generator (this script: one process, up to {max(args.clients)} threads, "
        "raw-socket HTTP client) runs on the same 2-core machine** as gunicorn and "
        "PostgreSQL, and the machine is shared with other jobs (other engineers' test "
        "runs): their CPU use is shown as *other processes*. Single windows are noisy; "
        "server CPU per request (gunicorn + PostgreSQL, from /proc) is the steadier figure.",
        f"- Platform: gunicorn {args.workers} × `sync` workers, "
        "`etjanst.config.settings.production` (DEBUG off, DB sessions), PostgreSQL 15 "
        "(fsync on, shared_buffers 256 MB), plain HTTP on loopback with "
        "`X-Forwarded-Proto: https`; the client sends the `__Host-sessionid` cookie.",
        f"- **Two databases in one PostgreSQL, each with its own gunicorn** (same settings, "
        f"same SECRET_KEY). Both were seeded with the same statements and random seed, so "
        f"both have the same {small_n:,} cases (the person's {OWNED} and {small_n - OWNED} "
        f"others'); `{big.label}` also has the other cases up to {big_n:,} "
        f"(SQL `INSERT … SELECT generate_series` into a staging table, then into `cases_case` "
        f"in the order received — ids grow with time as in production, so the person's cases "
        f"lie scattered over the table —, with their events and messages, VACUUM ANALYZE: "
        f"{grow_seconds:.0f} s). Their windows alternate (order swapped every round), so "
        "the noise of the shared machine falls on both alike: that is what makes the ratio "
        "honest here.",
        f"- Data: one resident (a test personnummer) owns {OWNED} cases ({ongoing} ongoing: "
        f"*Pågående* has {-(-ongoing // 25)} pages of 25, `?sida=10` is in the middle); "
        f"every case's received_at is random over {SPAN_DAYS} days, so theirs are spread "
        "among the others'. The other cases belong to other residents or to nobody (sent "
        f"without login). At {big_n:,}: {big.sizes['events']:,} case events, "
        f"{big.sizes['messages']:,} messages (~5 % of cases, half unread), "
        f"{big.sizes['residents']:,} residents; `cases_case` {small.sizes['cases_case size']} "
        f"→ {big.sizes['cases_case size']} with its indexes. The case page is one of the "
        "person's ongoing cases, with 5 messages.",
        "- Logged in without BankID: session rows written through the configured "
        "`SessionStore` with the keys `etjanst.eid.session.login` writes (`PERSON_KEY`, "
        "`ACTIVITY_KEY`), one per client (bench/mypages_inprocess.py).",
        f"- Windows: {args.duration:.0f} s after {args.warmup:.0f} s warm-up, every client "
        f"GETs one page in a loop (closed loop, no think time); {args.repeats} round(s), "
        "medians shown. Warm caches: both databases fit in RAM.",
        *[f"- {note}" for note in notes],
        "",
        f"| page | clients | req/s {small.label} · {big.label} | p50 | p95 | **p95 ratio** "
        "| server CPU per request | CPU ratio | failed | other processes (% of a core) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for page in pages:
        for clients in args.clients:
            a = summarise(windows[small.label], clients, page)
            b = summarise(windows[big.label], clients, page)
            r = ratio(b["p95"], a["p95"])
            verdicts.append(r)
            lines.append(
                f"| {page} | {clients} | {fmt(a['rate'], 0)} · {fmt(b['rate'], 0)} "
                f"| {ms(a['p50'])} · {ms(b['p50'])} | {ms(a['p95'])} · {ms(b['p95'])} "
                f"| **{fmt(r, 2)}** | {fmt(a['cpu'])} · {fmt(b['cpu'])} ms "
                f"| {fmt(ratio(b['cpu'], a['cpu']), 2)} | {a['failed'] + b['failed']} "
                f"| {fmt(a['others'], 0)} · {fmt(b['others'], 0)} |"
            )
    lines += ["", f"p95 of each round ({small.label} → {big.label}):", ""]
    for page in pages:
        for clients in args.clients:
            a = summarise(windows[small.label], clients, page)
            b = summarise(windows[big.label], clients, page)
            lines.append(
                f"- {page}, {clients} clients: "
                + " ".join(ms(x) for x in a["p95s"])
                + " → "
                + " ".join(ms(x) for x in b["p95s"])
            )
    if small.inprocess_rounds and big.inprocess_rounds:
        lines += [
            "",
            f"Django alone, in-process (test client, whole middleware, no gunicorn/network/"
            f"queueing): {args.timed} requests of each page per round and database, the "
            "databases alternating; medians over the rounds of each round's p50/p95:",
            "",
            f"| page | p50 {small.label} · {big.label} | p95 {small.label} · {big.label} "
            "| p50 ratio | **p95 ratio** |",
            "|---|---|---|---|---|",
        ]
        for page in pages:
            a50, a95, b50, b95 = (
                median([percentile(r[page], p) for r in site.inprocess_rounds])
                for site, p in ((small, 0.5), (small, 0.95), (big, 0.5), (big, 0.95))
            )
            lines.append(
                f"| {page} | {a50:.1f} · {b50:.1f} ms | {a95:.1f} · {b95:.1f} ms "
                f"| {fmt(ratio(b50, a50), 2)} | **{fmt(ratio(b95, a95), 2)}** |"
            )
    if args.explain:
        lines += [
            "",
            "Execution time of the queries that read cases_case (EXPLAIN ANALYZE, once, "
            "right after the count):",
            "",
            f"| page | query | {small.label} | {big.label} |",
            "|---|---|---|---|",
        ]
        for page in pages:
            plans_a = small.queries[page].get("plans", [])
            plans_b = big.queries[page].get("plans", [])
            for pa, pb in zip(plans_a, plans_b, strict=False):
                lines.append(
                    f"| {page} | `{pa['sql'][:40]}…` | {execution_time(pa['plan'])} "
                    f"| {execution_time(pb['plan'])} |"
                )
    lines += [
        "",
        "SQL queries per page (in-process, Django test client through the whole middleware, "
        "production settings, each database; one warm-up request first, then one counted):",
        "",
        f"| page | queries at {small_n:,} | queries at {big_n:,} | equal "
        "| in-process ms (one request) | of it SQL ms |",
        "|---|---|---|---|---|---|",
    ]
    same = True
    for page in pages:
        qa, qb = small.queries[page], big.queries[page]
        equal = qa["queries"] == qb["queries"]
        same = same and equal
        lines.append(
            f"| {page} | {qa['queries']} | {qb['queries']} | {'yes' if equal else '**no**'} "
            f"| {qa['ms']:.1f} · {qb['ms']:.1f} | {qa['sql_ms']:.1f} · {qb['sql_ms']:.1f} |"
        )
    worst = max((v for v in verdicts if v is not None), default=None)
    lines += [
        "",
        f"Target: p95 ratio ≤ 1.2 and the same query count. This run: worst p95 ratio "
        f"**{fmt(worst, 2)}**, query counts {'equal' if same else '**not equal**'}.",
    ]
    if args.explain:
        lines += [
            "",
            f"<details><summary>Plans at {big_n:,} cases (EXPLAIN ANALYZE, BUFFERS) of the "
            "queries that read cases_case</summary>",
            "",
            "```",
            *plan_lines(big.queries),
            "```",
            "",
            "</details>",
        ]
    lines += ["", "The queries of each page:", "", "```"]
    for page in pages:
        lines.append(f"-- {page}")
        lines += [
            f"{n}. {sql[:160]}{'…' if len(sql) > 160 else ''}"
            for n, sql in enumerate(big.queries[page]["sql"], 1)
        ]
    lines += ["```"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases at the big size")
    parser.add_argument("--quick", action="store_true", help="a smoke run (20,000 cases)")
    parser.add_argument("--clients", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--duration", type=float, default=8, help="window, s")
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--timed", type=int, default=40, help="in-process requests per page and round (0: none)"
    )
    parser.add_argument("--grow-limit", type=float, default=900, help="max s to insert cases")
    parser.add_argument("--no-explain", dest="explain", action="store_false")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=3,
        help="before each window wait at most this long for a quiet machine (0: never)",
    )
    parser.add_argument("--no-append", action="store_true", help="do not write docs/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.cases = min(args.cases, 20_000)
        args.duration, args.warmup, args.repeats, args.timed = 4, 1, 1, 10
    args.cases = min(max(args.cases, SMALL), 5_000_000)
    args.quiet_wait = min(max(args.quiet_wait, 0), 120)
    args.duration = min(max(args.duration, 1), 120)
    args.warmup = min(max(args.warmup, 0.5), 60)
    args.repeats = min(max(args.repeats, 1), 10)
    args.clients = [min(max(c, 1), 64) for c in args.clients]
    # run.py's Stack reads these
    args.worker_class, args.threads = "sync", 1
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not Path(R.PY).exists():
        print("No .venv: run `make bench` (or pip install -e '.[dev]').", file=sys.stderr)
        return 2

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    info = R.machine()
    tmp = Path(tempfile.mkdtemp(prefix="etjanst-bench-b3."))
    os.chmod(tmp, 0o755)  # noqa: S103 (postgres must reach its folder inside)
    stack = R.Stack(tmp, args)
    started = time.monotonic()
    sites: list[Site] = []
    try:
        stack.start()
        cookie = subprocess.run(
            [R.PY, "-c", COOKIE_NAME_CODE],
            cwd=R.ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout.strip()
        if cookie != SESSION_COOKIE:
            raise RuntimeError(f"the session cookie is {cookie!r}, not {SESSION_COOKIE}")
        big_label = (
            f"{args.cases // 1_000_000}M"
            if args.cases % 1_000_000 == 0
            else f"{args.cases / 1000:g}k"
        )
        big = Site(big_label, stack, stack.env, stack.gunicorn, stack.web_port)
        small = start_second_site(stack, f"{SMALL // 1000}k")
        sites = [small, big]
        deadline = time.monotonic() + args.grow_limit
        for site in sites:
            site.data = Data(site.env["DATABASE_URL"])
        log(f"[{small.label}] {SMALL:,} cases, {OWNED} of them the person's")
        small.data.seed(SMALL, deadline)
        small.count_queries(args.explain)
        log(f"[{big.label}] the same {SMALL:,} cases and others up to {args.cases:,}")
        grow_seconds = big.data.seed(args.cases, deadline, small.data.case_number)
        if small.data.fingerprint() != big.data.fingerprint():
            raise RuntimeError("the person's cases differ between the two databases")
        for site in sites:
            site.sizes = site.data.sizes()
            log(f"[{site.label}] {site.sizes}")
        big.count_queries(args.explain)
        for site in sites:
            site.log_in(max(args.clients))
        windows = measure(small, big, args)
    except KeyboardInterrupt:
        R.STOP.set()
        log("Interrupted: stopping everything")
        return 130
    except R.Interrupted:
        return 130
    except Exception:
        R.STOP.set()
        for name in ("gunicorn", "gunicorn_small"):
            tail = stack.log_tail(name)
            if tail:
                print(f"--- {name}.log ---\n{tail}", file=sys.stderr)
        raise
    finally:
        R.STOP.set()
        for site in sites:
            if site.data is not None:
                site.data.close()
        stack.close()
        if args.keep:
            log(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    block = report(small, big, windows, args, info, grow_seconds, stack.notes)
    block += f"\n(Total benchmark time {time.monotonic() - started:.0f} s.)\n"
    print()
    print(block)
    if not args.no_append:
        R.append_results(block)
        log(f"Appended to {R.RESULTS_FILE.relative_to(R.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
