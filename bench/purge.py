#!/usr/bin/env python3
"""Benchmark B6: purge 1,000,000 due cases while residents and staff use the site.

    .venv/bin/python bench/purge.py                         # N = 1,000,000
    .venv/bin/python bench/purge.py --cases 50000 --no-append   # a smoke run

Starts, in a temporary folder, a throw-away PostgreSQL 15 and the platform as
in production (gunicorn, sync workers, production settings; bench/run.py's
stack, imported). Then:

1. loads bench/eservice.json (its retention rule: 24 months after closing);
   makes one resident with --own-cases ongoing cases (not due) for Mina sidor,
   a superuser with a confirmed TOTP device, and a logged-in session for each
   (rows made with SessionStore, as the login views would);
2. the raw baseline: inserts N cases of the same shape (INSERT … SELECT
   generate_series), then times one raw `DELETE` of them (their events first,
   the foreign key asks for it) in one transaction; VACUUM;
3. inserts N due cases (closed in 2021) with one event each; ANALYZE;
4. paced clients (--clients per page, one request every --interval s each)
   GET /mina-sidor/arenden/ (resident) and /handlaggning/ (staff) all along:
   a --before window, then during `manage.py purge` (a subprocess on the same
   database, timed), then an --after window;
5. reports rows/s of the purge ÷ rows/s of the raw DELETE, and p50/p95 of
   both pages before, during and after; appends to docs/benchmarks.md.
Everything it starts is stopped in a finally block.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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

log, fmt, ms, percentile, median = R.log, R.fmt, R.ms, R.percentile, R.median
COOKIE = "__Host-sessionid"  # SESSION_COOKIE_NAME in production settings
PAGES = {"mina sidor": "/mina-sidor/arenden/", "inkorg": "/handlaggning/"}
RAW_CASES = "`DELETE FROM cases_case`"
RAW_EVENTS = "`DELETE FROM cases_caseevent …`"
PERSONNUMMER = "191212121212"  # Skatteverket's test number
DUE_YEAR, RAW_YEAR, OWN_YEAR = 2020, 2019, 2026

# Run in a subprocess with the platform's settings: the resident, the staff
# user and their sessions, built as the login views would build them.
SETUP = r"""
import json, secrets, sys, time
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from etjanst.eid.person import Person
from etjanst.eid.session import ACTIVITY_KEY, PERSON_KEY
from etjanst.people.models import Resident

pnr = sys.argv[1]
resident = Resident.objects.create(personnummer=pnr, given_name="Bench", surname="Invånare")
person = Person(personnummer=pnr, given_name="Bench", surname="Invånare", method="bankid")
mine = SessionStore()
mine[PERSON_KEY] = person.as_session()
mine[ACTIVITY_KEY] = time.time()
mine.create()
user = get_user_model().objects.create_superuser(
    "bench-staff", "bench-staff@exempelby.se", secrets.token_urlsafe(24)
)
device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
staff = SessionStore()
staff[SESSION_KEY] = str(user.pk)
staff[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
staff[HASH_SESSION_KEY] = user.get_session_auth_hash()
staff[DEVICE_ID_SESSION_KEY] = device.persistent_id
staff.create()
print(json.dumps({"resident": resident.pk, "resident_session": mine.session_key,
                  "staff_session": staff.session_key, "cookie": settings.SESSION_COOKIE_NAME}))
"""

CASE_COLUMNS = (
    "eservice_id, version_id, committee_id, registration_year, registration_sequence,"
    " registration_number, received_at, answers, submission_key, receipt_token, receipt_pdf,"
    " confirmation_sent_at, signature, owner_id, status_id, status_changed_at, assigned_to_id,"
    " sender_name, sender_personnummer, legal_hold, legal_hold_reason, purged_at, is_anonymous,"
    " lock_version, protected_identity, description"
)
INSERT_CASES = (
    f"INSERT INTO cases_case ({CASE_COLUMNS})"
    + """
SELECT %(eservice)s, %(version)s, %(committee)s, %(year)s, g,
       'BN ' || %(year)s || '/' || g,
       %(received)s::timestamptz + g * interval '7 seconds',
       jsonb_build_object('namn', 'Person ' || g, 'epost', 'person' || g || '@exempel.se',
                          'antal', g %% 1000, 'datum', '2020-03-01',
                          'beskrivning', 'Gatlampan vid busshållplatsen är trasig, nummer ' || g),
       gen_random_uuid(), md5(g || ':' || random()::text) || md5(random()::text), '',
       %(received)s::timestamptz + g * interval '7 seconds' + interval '1 minute', NULL,
       %(owner)s, %(status)s, %(changed)s::timestamptz + g * interval '7 seconds', NULL,
       'Person ' || g, '19' || lpad(g::text, 10, '0'), false, '', NULL, false,
       0, false, 'Lämna en synpunkt (benchmark): gatlampa ' || g
FROM generate_series(1, %(n)s) AS g
"""
)
INSERT_EVENTS = """
INSERT INTO cases_caseevent (case_id, kind, status_id, at, staff_user_id, visible_to_resident)
SELECT id, 'received', status_id, received_at, NULL, true
FROM cases_case WHERE registration_year = %(year)s
"""


class PurgeStack(R.Stack):
    """run.py's stack; gunicorn gets a long idle timeout (the benchmark's
    sessions are made once, before a run that may last an hour)."""

    def popen(self, name, cmd, **kw):
        if name == "gunicorn":
            kw["env"] = {**self.env, "ETJANST_IDLE_TIMEOUT": str(24 * 3600)}
        return super().popen(name, cmd, **kw)


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


def connect(stack: PurgeStack):
    import psycopg

    return psycopg.connect(stack.env["DATABASE_URL"], autocommit=True)


def ids(conn) -> dict:
    one = lambda sql, *a: conn.execute(sql, a).fetchone()[0]  # noqa: E731
    eservice, committee = conn.execute(
        "SELECT id, committee_id FROM eservices_eservice WHERE slug = %s", (R.SLUG,)
    ).fetchone()
    return {
        "eservice": eservice,
        "committee": committee,
        "version": one(
            "SELECT id FROM eservices_eserviceversion WHERE eservice_id = %s ORDER BY id DESC",
            eservice,
        ),
        "closed": one("SELECT id FROM cases_status WHERE eservice_id IS NULL AND code='avslutat'"),
        "submitted": one(
            "SELECT id FROM cases_status WHERE eservice_id IS NULL AND code='inkommet'"
        ),
        "rule": one("SELECT retention_rule_id FROM eservices_eservice WHERE id = %s", eservice),
    }


def check_columns(conn) -> None:
    """Every NOT NULL column of cases_case without a default is filled."""
    given = {c.strip() for c in CASE_COLUMNS.split(",")} | {"id"}
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases_case'"
        " AND is_nullable = 'NO' AND column_default IS NULL"
    ).fetchall()
    missing = sorted(r[0] for r in rows if r[0] not in given)
    if missing:
        raise RuntimeError(f"cases_case has NOT NULL columns the bench does not fill: {missing}")


def insert_cases(conn, k: dict, *, year: int, n: int, due: bool, owner=None) -> float:
    started = time.perf_counter()
    with conn.transaction():
        conn.execute(
            INSERT_CASES,
            {
                **k,
                "year": year,
                "n": n,
                "owner": owner,
                "status": k["closed"] if due else k["submitted"],
                "received": f"{year}-01-01T08:00:00+01:00" if due else "2026-01-01T08:00:00+01",
                "changed": f"{year}-02-01T08:00:00+01:00" if due else "2026-01-02T08:00:00+01",
            },
        )
        conn.execute(INSERT_EVENTS, {"year": year})
    return time.perf_counter() - started


def raw_delete(conn, k: dict, n: int) -> dict:
    """The baseline: one raw DELETE of n cases of the same shape (and, first,
    their events: the foreign key needs it), one transaction."""
    log(f"Raw baseline: inserting {n:,} cases of the same shape")
    insert_s = insert_cases(conn, k, year=RAW_YEAR, n=n, due=True)
    conn.execute("ANALYZE cases_case")
    conn.execute("ANALYZE cases_caseevent")
    conn.execute("CHECKPOINT")
    log(f"  inserted in {insert_s:.0f} s; raw DELETE")
    with conn.transaction():
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: check them
        # in each statement, so its time includes them (not the commit's).
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        t0 = time.perf_counter()
        events = conn.execute(
            "DELETE FROM cases_caseevent WHERE case_id IN"
            " (SELECT id FROM cases_case WHERE registration_year = %s)",
            (RAW_YEAR,),
        ).rowcount
        t1 = time.perf_counter()
        cases = conn.execute(
            "DELETE FROM cases_case WHERE registration_year = %s", (RAW_YEAR,)
        ).rowcount
        t2 = time.perf_counter()
    commit_s = time.perf_counter() - t2
    log(f"  deleted {cases:,} cases in {t2 - t1:.1f} s (events {t1 - t0:.1f} s); VACUUM")
    t3 = time.perf_counter()
    conn.execute("VACUUM ANALYZE cases_case")
    conn.execute("VACUUM ANALYZE cases_caseevent")
    return {
        "insert_s": insert_s,
        "cases": cases,
        "events": events,
        "events_s": t1 - t0,
        "cases_s": t2 - t1,
        "commit_s": commit_s,
        "vacuum_s": time.perf_counter() - t3,
    }


# --------------------------------------------------------------------------
# The page clients
# --------------------------------------------------------------------------


class Pages:
    """Paced clients, each with its own logged-in session, all along the run.
    Every answer is kept with its end time, so windows are cut afterwards."""

    def __init__(self, port: int, sessions: dict[str, str], cookie: str, args) -> None:
        self.samples: dict[str, list[tuple[float, float, int]]] = {p: [] for p in PAGES}
        self.errors: dict[str, int] = {p: 0 for p in PAGES}
        self.stop = threading.Event()
        self.threads = []
        for page, path in PAGES.items():
            for i in range(args.clients):
                t = threading.Thread(
                    target=self.loop,
                    args=(port, page, path, sessions[page], cookie, args.interval, i),
                    daemon=True,
                )
                self.threads.append(t)

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def loop(self, port, page, path, session, cookie, interval, i) -> None:
        browser = R.Browser(port, timeout=60)
        browser.cookies[cookie] = session
        browser.page = "/"
        # spread the clients over the interval
        nxt = time.perf_counter() + interval * (i + 0.5 * (page == "inkorg")) / 2
        while not (self.stop.is_set() or R.STOP.is_set()):
            left = nxt - time.perf_counter()
            if left > 0:
                self.stop.wait(left)
                continue
            nxt += interval
            try:
                response, elapsed = browser.request("GET", path)
                status = response.status
                ok = status == 200  # a lost login would answer 302 (to the login page)
            except (OSError, R.FlowError) as exc:
                elapsed, status, ok = 0.0, 0, False
                log(f"{page}: {exc}")
            self.samples[page].append((time.monotonic(), elapsed, status))
            if not ok:
                self.errors[page] += 1
            if nxt < time.perf_counter():  # slower than the pace: no burst afterwards
                nxt = time.perf_counter()

    def window(self, t0: float, t1: float) -> dict:
        out = {}
        for page, rows in self.samples.items():
            inside = [(e, s) for (t, e, s) in list(rows) if t0 <= t < t1]
            good = [e for e, s in inside if s == 200]
            out[page] = {
                "n": len(inside),
                "errors": len(inside) - len(good),
                "statuses": sorted({s for _e, s in inside}),
                "p50": percentile(good, 0.50),
                "p95": percentile(good, 0.95),
                "max": max(good) if good else None,
                "rps": len(inside) / max(t1 - t0, 1e-9),
            }
        return out

    def close(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(70)


# --------------------------------------------------------------------------


def benchmark(stack: PurgeStack, args) -> dict:
    conn = connect(stack)
    check_columns(conn)
    k = ids(conn)
    if not k["rule"]:
        raise RuntimeError("the benchmark e-service has no retention rule (bench/eservice.json)")
    log("Resident, staff user and their sessions")
    made = json.loads(
        subprocess.run(
            [R.PY, "-c", SETUP, PERSONNUMMER],
            cwd=R.ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    )
    own_s = insert_cases(
        conn, k, year=OWN_YEAR, n=args.own_cases, due=False, owner=made["resident"]
    )
    log(f"{args.own_cases} ongoing cases of the resident in {own_s:.1f} s")

    raw = raw_delete(conn, k, args.cases)

    log(f"Inserting {args.cases:,} due cases (+ one event each)")
    insert_s = insert_cases(conn, k, year=DUE_YEAR, n=args.cases, due=True)
    t0 = time.perf_counter()
    conn.execute("VACUUM ANALYZE cases_case")
    conn.execute("VACUUM ANALYZE cases_caseevent")
    conn.execute("CHECKPOINT")
    vacuum_s = time.perf_counter() - t0
    log(f"  inserted in {insert_s:.0f} s, VACUUM ANALYZE + CHECKPOINT {vacuum_s:.0f} s")
    size = conn.execute(
        "SELECT pg_size_pretty(pg_total_relation_size('cases_case')),"
        " pg_size_pretty(pg_total_relation_size('cases_caseevent'))"
    ).fetchone()
    dry = stack.manage("purge", "--dry-run").strip()
    log(f"purge --dry-run: {dry}")

    sessions = {"mina sidor": made["resident_session"], "inkorg": made["staff_session"]}
    pages = Pages(stack.web_port, sessions, made["cookie"], args)
    # Make sure both sessions really are logged in (not a login page).
    for page, path in PAGES.items():
        b = R.Browser(stack.web_port)
        b.cookies[made["cookie"]] = sessions[page]
        response, _e = b.request("GET", path)
        b.close()
        if response.status != 200:
            raise RuntimeError(f"{path} answers {response.status} to the logged-in session")
    groups = R.cpu_groups(stack)
    pages.start()
    try:
        R.STOP.wait(args.warmup)
        busy_before = R.wait_for_quiet(args.quiet_wait)
        meter = R.CpuMeter(groups)
        meter.start()
        b0 = time.monotonic()
        R.STOP.wait(args.before)
        b1 = time.monotonic()
        cpu_before = meter.stop()

        log(f"manage.py purge ({args.cases:,} due cases), pages still answering")
        meter = R.CpuMeter(groups)
        meter.start()
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        d0 = time.monotonic()
        proc = stack.popen("purge", [R.PY, "manage.py", "purge"])
        deadline = d0 + args.purge_limit
        while proc.poll() is None and time.monotonic() < deadline and not R.STOP.is_set():
            R.STOP.wait(0.2)
        timed_out = proc.poll() is None
        if timed_out:
            stack.stop(proc)
        d1 = time.monotonic()
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_during = meter.stop()
        purge_cpu = (children1.ru_utime + children1.ru_stime) - (
            children0.ru_utime + children0.ru_stime
        )
        output = stack.log_tail("purge", 5)
        log(f"  purge {'STOPPED at the limit' if timed_out else 'done'} in {d1 - d0:.1f} s")
        R.STOP.wait(args.after)
        a1 = time.monotonic()
    finally:
        pages.close()
    purged = conn.execute(
        "SELECT count(*) FILTER (WHERE purged_at IS NOT NULL), count(*) FROM cases_case"
        " WHERE registration_year = %s",
        (DUE_YEAR,),
    ).fetchone()
    own_left = conn.execute(
        "SELECT count(*) FROM cases_case WHERE owner_id = %s AND purged_at IS NULL",
        (made["resident"],),
    ).fetchone()[0]
    batches = conn.execute("SELECT count(*) FROM retention_purgelogentry").fetchone()[0]
    # The log's timestamps: does a batch cost more as the purged rows pile up?
    stamps = [
        r[0].timestamp()
        for r in conn.execute("SELECT at FROM retention_purgelogentry ORDER BY at").fetchall()
    ]
    tenth = max(len(stamps) // 10, 2)
    pace = (
        {
            "first": 500 * (tenth - 1) / max(stamps[tenth - 1] - stamps[0], 1e-9),
            "last": 500 * (tenth - 1) / max(stamps[-1] - stamps[-tenth], 1e-9),
        }
        if len(stamps) >= 4
        else {}
    )
    conn.close()
    return {
        "raw": raw,
        "insert_s": insert_s,
        "size": size,
        "dry": dry,
        "busy_before": busy_before,
        "before": pages.window(b0, b1),
        "during": pages.window(d0, d1),
        "after": pages.window(d1, a1),
        "cpu_before": cpu_before,
        "cpu_during": cpu_during,
        "purge_s": d1 - d0,
        "purge_cpu": purge_cpu,
        "purge_rc": proc.returncode,
        "purge_output": output,
        "timed_out": timed_out,
        "purged": purged[0],
        "due_total": purged[1],
        "own_left": own_left,
        "batches": batches,
        "pace": pace,
        "before_s": b1 - b0,
        "after_s": a1 - d1,
    }


def report(res: dict, args, info: dict, notes=()) -> str:
    raw = res["raw"]
    raw_rps = raw["cases"] / raw["cases_s"] if raw["cases_s"] else None
    raw_all_rps = raw["cases"] / (raw["cases_s"] + raw["events_s"] + raw["commit_s"])
    purge_rps = res["purged"] / res["purge_s"] if res["purge_s"] else None
    ratio = purge_rps / raw_rps if purge_rps and raw_rps else None
    stopped = " (STOPPED at --purge-limit)" if res["timed_out"] else ""
    lines = [
        f"### B6 — purge {res['purged']:,} due cases while the site answers ({info['date']})",
        "",
        f"- Machine: {info['nproc']} cores ({info['cpu']}), shared with other jobs; "
        f"commit {info['commit']}; Python {info['python']}; PostgreSQL 15 (throw-away, "
        "fsync on, shared_buffers 256MB) on the same machine.",
        f"- Platform: gunicorn {args.workers} × {args.worker_class}, production settings "
        "(`ETJANST_IDLE_TIMEOUT` 24 h for the benchmark sessions); `manage.py purge` "
        "(batches of 500, one transaction each, `SELECT … FOR UPDATE SKIP LOCKED`) as a "
        "subprocess on the same database. **The load generator shares the machine.**",
        f"- Data: N = {args.cases:,} due cases (closed 2021, rule: 24 months after closing) "
        f"with one event each, inserted with `INSERT … SELECT generate_series` in "
        f"{res['insert_s']:.0f} s (cases_case {res['size'][0]}, cases_caseevent "
        f"{res['size'][1]}); no files, messages or notes. Plus {args.own_cases} ongoing "
        "cases of one resident (Mina sidor; they also fill the staff inbox). "
        f"`purge --dry-run`: {res['dry']}.",
        f"- Pages: {args.clients} paced client(s) per page, one GET every "
        f"{args.interval:g} s each, logged in (a resident session for "
        "`/mina-sidor/arenden/`, a superuser with a verified TOTP device for "
        "`/handlaggning/`), all along the run.",
        "",
        "| | time | rows/s |",
        "|---|---|---|",
        f"| `manage.py purge` | {res['purge_s']:.1f} s{stopped} | {fmt(purge_rps, 0)} |",
        f"| raw {RAW_CASES} of {raw['cases']:,} rows of the same shape (foreign keys "
        "checked immediately) "
        f"| {raw['cases_s']:.1f} s | {fmt(raw_rps, 0)} |",
        f"| raw, with its events first ({RAW_EVENTS}, {raw['events']:,} rows) "
        f"and the commit | {raw['cases_s'] + raw['events_s'] + raw['commit_s']:.1f} s "
        f"| {fmt(raw_all_rps, 0)} |",
        "",
        f"- **Ratio purge ÷ raw DELETE: {fmt(ratio, 2)}** (target ≥ 0.5; against the raw "
        f"DELETE with its events: {fmt(purge_rps / raw_all_rps if purge_rps else None, 2)}). "
        f"Purged {res['purged']:,} of {res['due_total']:,} due cases in {res['batches']:,} "
        f"logged batches; exit code {res['purge_rc']}; purge process CPU "
        f"{res['purge_cpu']:.0f} s; the resident's {args.own_cases} ongoing cases all kept: "
        f"{'yes' if res['own_left'] == args.own_cases else 'NO (' + str(res['own_left']) + ')'}. "
        "The purge is not a DELETE: it keeps a tombstone (an UPDATE of the row, which "
        "stays for the register) and deletes messages, notes and attachments.",
    ]
    if res["pace"]:
        lines[-1] += (
            f" Pace from the purge log's timestamps: first tenth of the batches "
            f"{res['pace']['first']:.0f} rows/s, last tenth {res['pace']['last']:.0f} rows/s."
        )
    lines += [
        "",
        "| page | window | requests | errors | p50 | p95 | max |",
        "|---|---|---|---|---|---|---|",
    ]
    for page, path in PAGES.items():
        for window in ("before", "during", "after"):
            w = res[window][page]
            span = {
                "before": res["before_s"],
                "during": res["purge_s"],
                "after": res["after_s"],
            }[window]
            lines.append(
                f"| `{path}` | {window} ({span:.0f} s) | {w['n']} | {w['errors']} "
                f"| {ms(w['p50'])} | {ms(w['p95'])} | {ms(w['max'])} |"
            )
    for page, path in PAGES.items():
        b, d = res["before"][page]["p95"], res["during"][page]["p95"]
        lines.append(
            f"- `{path}` p95 during ÷ before: **{fmt(d / b if b and d else None, 2)}** "
            "(target ≤ 1.5)"
        )
    lines += [
        f"- CPU before (% of one core): {R.cpu_line(res['cpu_before'])}; "
        f"machine {res['busy_before']:.0f}% busy when the window began.",
        f"- CPU during the purge: {R.cpu_line(res['cpu_during'])} "
        "(the purge process itself is in *other processes*).",
    ]
    lines += [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="due cases (N)")
    parser.add_argument("--own-cases", type=int, default=300, help="the resident's, not due")
    parser.add_argument("--clients", type=int, default=2, help="paced clients per page")
    parser.add_argument("--interval", type=float, default=0.5, help="s between a client's GETs")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--before", type=float, default=30, help="the window before, s")
    parser.add_argument("--after", type=float, default=10, help="the window after, s")
    parser.add_argument("--purge-limit", type=float, default=3600, help="stop the purge after, s")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--quiet-wait", type=float, default=20)
    parser.add_argument("--no-append", action="store_true", help="do not write docs/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    args.cases = min(max(args.cases, 1000), 5_000_000)
    args.own_cases = min(max(args.own_cases, 1), 10_000)
    args.clients = min(max(args.clients, 1), 16)
    args.interval = max(args.interval, 0.05)
    args.quiet_wait = min(max(args.quiet_wait, 0), 120)
    args.purge_limit = min(max(args.purge_limit, 10), 4 * 3600)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not Path(R.PY).exists():
        print("No .venv: run `make .venv/.installed-dev`.", file=sys.stderr)
        return 2

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    info = R.machine()
    tmp = Path(tempfile.mkdtemp(prefix="etjanst-b6."))
    os.chmod(tmp, 0o755)  # noqa: S103 (postgres must reach its folder inside)
    stack = PurgeStack(tmp, args)
    started = time.monotonic()
    try:
        stack.start()
        result = benchmark(stack, args)
    except KeyboardInterrupt:
        R.STOP.set()
        log("Interrupted: stopping everything")
        return 130
    except Exception:
        R.STOP.set()
        for name in ("gunicorn", "purge"):
            tail = stack.log_tail(name)
            if tail:
                print(f"--- {name}.log ---\n{tail}", file=sys.stderr)
        raise
    finally:
        R.STOP.set()
        stack.close()
        if args.keep:
            log(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    block = report(result, args, info, stack.notes)
    block += f"\n(Total benchmark time {time.monotonic() - started:.0f} s.)\n"
    print()
    print(block)
    if not args.no_append:
        R.append_results(block)
        log(f"Appended to {R.RESULTS_FILE.relative_to(R.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
