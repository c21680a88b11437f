#!/usr/bin/env python3
"""Benchmark B4: 1,000 BankID logins waiting at once, each browser polling.

    .venv/bin/python bench/bankid_poll.py             # ~4 minutes
    .venv/bin/python bench/bankid_poll.py --quick --no-append

Starts, in a temporary folder, a throw-away PostgreSQL 15, the BankID
simulator (bench/bankid_sim.py: its own process, orders stay pending, every
RP API call counted) and the platform as in production (gunicorn, sync
workers, bench/bench_settings.py = production settings with BankID pointed at
the simulator; checked against production.py before the run). Then, over
loopback only:

1. --logins browsers (each its own cookie jar) GET /logga-in/bankid/ and POST
   /logga-in/bankid/starta/ with device=other (a QR-code login);
2. every browser polls GET /logga-in/bankid/status/ like bankid.js does: the
   first poll spread evenly over the first 2 s, then 2 s after each answer
   (offered ≈ logins / 2 polls/s). Fixed window after a warm-up: poll req/s,
   p50/p95, the simulator's /collect calls per second and per order.
   Since the QR code is drawn in the browser, each answer carries the QR
   contents for the next seconds (checked here: a poll answered without them
   counts as failed) and bankid.js makes no other request while it waits.
   Before that (issue 21, task "peak"), a real browser also fetched the QR
   image (`/logga-in/bankid/qr.svg`, drawn by the server) every second, which
   this benchmark did not model: the offered load was then ≈ 1.5 requests per
   waiting browser per second, of which B4 measured only the polls;
3. in the same round /halsa/ with --trivial-clients closed-loop clients:
   req/s; ratio poll req/s ÷ /halsa/ req/s; server CPU per request (/proc);
   then /halsa/ offered open-loop at the rate the polls were served (one
   connection a request, like the polls): its CPU per request is the
   like-for-like yardstick (a sync worker woken for each request costs
   about twice as much per request as one kept busy by closed-loop clients).
Rounds are repeated (--repeats), medians reported. Then one poll is profiled
in-process (bench/profile_poll.py). Appends a Markdown block to
docs/benchmarks.md. Everything it starts is stopped in a finally block.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as R  # bench/run.py: the stack, CPU meter, browser, report helpers

HOST = R.HOST  # loopback only
REAL_BANKID = "https://appapi2.test.bankid.com/rp/v6.0"
POLL_PATH = "/logga-in/bankid/status/"
STATUS_URL_RE = R.re.compile(rb'data-status-url="([^"]+)"')
log, fmt, ms, percentile, median = R.log, R.fmt, R.ms, R.percentile, R.median


# --------------------------------------------------------------------------
# The stack: PostgreSQL, the BankID simulator, gunicorn
# --------------------------------------------------------------------------


class BankIDStack(R.Stack):
    def start(self) -> None:
        args = self.args
        log(f"Temporary folder {self.tmp}")
        log("Starting PostgreSQL 15")
        database_url = self.start_postgres()
        self.web_port = R.free_port()
        self.api_port, app_port = R.free_port(), R.free_port()
        certs = self.tmp / "bankid"
        self.sim_stats = self.tmp / "bankid-calls.json"
        alphabet = R.string.ascii_letters + R.string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
        base_env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "ETJANST_", "BANKID_"))
        }
        self.env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(R.BENCH), os.environ.get("PYTHONPATH")])
            ),
            "SECRET_KEY": "".join(R.secrets.choice(alphabet) for _ in range(64)),
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "ETJANST_VAR_DIR": str(self.tmp / "var"),
            "STATIC_ROOT": str(self.tmp / "static"),
            "MEDIA_ROOT": str(self.tmp / "media"),
            # All browsers come from 127.0.0.1: lift the per-address start limit.
            "ETJANST_BANKID_STARTS_PER_MINUTE": "1000000",
            "BANKID_BASE_URL": f"https://{HOST}:{self.api_port}/rp/v6.0",
            "BANKID_CLIENT_CERT": str(certs / "client.pem"),
            "BANKID_CLIENT_KEY": str(certs / "client-key.pem"),
            "BANKID_CA_CERT": str(certs / "ca.pem"),
            "PYTHONUNBUFFERED": "1",
        }
        self.check_settings()
        log("migrate, collectstatic")
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        manifest = json.loads((self.tmp / "static" / "staticfiles.json").read_text())
        if "etjanst/site.css" not in manifest.get("paths", {}):
            raise RuntimeError("collectstatic left out etjanst/site.css (see run.py)")

        log(f"Starting the BankID simulator (mTLS API on {HOST}:{self.api_port})")
        self.sim = self.popen(
            "bankid_sim",
            [
                R.PY,
                str(R.BENCH / "bankid_sim.py"),
                *("--folder", str(certs), "--api-port", str(self.api_port)),
                *("--app-port", str(app_port), "--stats", str(self.sim_stats)),
                *("--collect-delay", str(args.collect_delay)),
                *("--max-seconds", "3000"),
                *(["--keep-nagle"] if args.keep_nagle else []),
            ],
        )
        R.wait_for_port(self.api_port, 30)

        cmd = [
            str(R.VENV_BIN / "gunicorn"),
            "etjanst.config.wsgi",
            *("--bind", f"{HOST}:{self.web_port}", "--workers", str(args.workers)),
            *("--worker-class", args.worker_class, "--backlog", "2048"),
            *("--timeout", "60", "--log-level", "warning"),
        ]
        if args.worker_class == "gthread":
            cmd += ["--threads", str(args.threads)]
        log(f"Starting gunicorn: {args.workers} × {args.worker_class} on {HOST}:{self.web_port}")
        self.gunicorn = self.popen("gunicorn", cmd)
        self.collector = None
        if not args.no_collector and (R.ROOT / "src/etjanst/eid/bankid_orders.py").exists():
            log("Starting the BankID collector (manage.py collect_bankid)")
            self.collector = self.popen("collector", [R.PY, "manage.py", "collect_bankid"])
        self.wait_until_ready()

    def check_settings(self) -> None:
        """bench_settings must equal production's settings except BANKID."""
        code = (
            "import django, json; django.setup(); from django.conf import settings as s; "
            "print(json.dumps({k: repr(getattr(s, k)) for k in dir(s) if k.isupper()}))"
        )
        dumps = {}
        for module, url in (
            ("etjanst.config.settings.production", REAL_BANKID),
            ("bench_settings", self.env["BANKID_BASE_URL"]),
        ):
            out = subprocess.run(
                [R.PY, "-c", code],
                env={**self.env, "BANKID_BASE_URL": url, "DJANGO_SETTINGS_MODULE": module},
                cwd=R.ROOT,
                capture_output=True,
                text=True,
                timeout=120,
            )
            if out.returncode != 0:
                raise RuntimeError(f"loading {module} failed:\n{out.stderr[-2000:]}")
            dumps[module] = json.loads(out.stdout)
        prod, bench = dumps.values()
        differ = sorted(k for k in set(prod) | set(bench) if prod.get(k) != bench.get(k))
        if differ != ["BANKID", "SETTINGS_MODULE"]:
            raise RuntimeError(f"bench_settings differs from production in {differ}: update it")
        self.notes.append(
            "Settings: `bench/bench_settings.py` = production.py's lines repeated on top of "
            "`base` (production refuses a non-BankID URL at import); checked before the run: "
            "every setting equals production's except `BANKID` (the simulator). "
            "`ETJANST_BANKID_STARTS_PER_MINUTE` = 1,000,000 (every browser is 127.0.0.1)."
        )

    def stop_simulator(self) -> dict:
        self.stop(self.sim)
        try:
            return json.loads(self.sim_stats.read_text())
        except (OSError, ValueError):
            return {"events": []}


# --------------------------------------------------------------------------
# Logging in: 1,000 browsers, each its own cookie jar
# --------------------------------------------------------------------------


def start_login(port: int) -> R.Browser:
    browser = R.Browser(port)
    try:
        page, _t = browser.get("/logga-in/bankid/?next=/")
        token = R._find(R.CSRF_RE, page.body, "csrf token")
        body = R.urlencoded([("csrfmiddlewaretoken", token), ("next", "/"), ("device", "other")])
        redirect, _t = browser.post(
            "/logga-in/bankid/starta/", body, "application/x-www-form-urlencoded"
        )
        if not R._location(redirect).endswith("/logga-in/bankid/vantar/"):
            raise R.FlowError(f"starta led to {R._location(redirect)}")
        # The waiting page names the URL bankid.js polls (with the order's
        # poll key since the collector; the bare status URL before).
        wait, _t = browser.get("/logga-in/bankid/vantar/")
        found = STATUS_URL_RE.search(wait.body)
        browser.status_path = html.unescape(found.group(1).decode()) if found else POLL_PATH
        return browser
    finally:
        browser.close()


def start_logins(port: int, count: int, threads: int) -> tuple[list[R.Browser], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        browsers = list(pool.map(lambda _i: start_login(port), range(count)))
    return browsers, time.perf_counter() - started


# --------------------------------------------------------------------------
# An asyncio raw-socket client (1,000 browsers in one thread, cheap on CPU)
# --------------------------------------------------------------------------


async def fetch(port: int, path: str, browser: R.Browser | None, timeout: float):
    """GET path with the browser's cookies; returns (status, body)."""
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "X-Forwarded-Proto: https",
        f"User-Agent: {R.USER_AGENT}",
        "Accept: application/json",
        "Accept-Language: sv-SE,sv;q=0.9,en;q=0.8",
    ]
    if browser is not None:
        if browser.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in browser.cookies.items()))
        lines.append(f"Referer: {browser.origin}{browser.page}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            head_lines = head[:-4].decode("latin-1").split("\r\n")
            status = int(head_lines[0].split(" ", 2)[1])
            length, cookies = None, []
            for line in head_lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "set-cookie":
                    cookies.append(value.strip())
            body = await (reader.readexactly(length) if length is not None else reader.read())
        finally:
            writer.close()
    if browser is not None:
        for cookie in cookies:
            browser._store_cookie(cookie)
    return status, body


def check_poll(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(body)
    except ValueError:
        return "not JSON"
    if answer.get("status") != "pending":
        return f"status {answer.get('status')}"
    qr = answer.get("qr")
    if not qr or not all(isinstance(c, str) and c.startswith("bankid.") for c in qr):
        return "no QR contents"  # bankid.js would have nothing to draw
    return None


class Phase:
    def __init__(self, warmup: float, duration: float) -> None:
        self.t0 = time.perf_counter()
        self.window_from = self.t0 + warmup
        self.window_to = self.window_from + duration
        self.duration = duration
        self.wall_from = time.time() + warmup
        self.wall_to = self.wall_from + duration
        self.results: list[tuple[float, float, str | None]] = []  # start, end, error

    def summary(self, cpu: dict) -> dict:
        inside = [r for r in self.results if self.window_from <= r[1] <= self.window_to]
        ok = [r for r in inside if r[2] is None]
        whole = [r[1] - r[0] for r in ok if r[0] >= self.window_from]
        errors: dict[str, int] = {}
        for r in self.results:
            if r[2]:
                errors[r[2]] = errors.get(r[2], 0) + 1
        done = len(ok)
        server = (cpu.get("gunicorn", 0) + cpu.get("postgres", 0)) / 100 if cpu else 0
        return {
            "done": done,
            "failed": len(inside) - done,
            "rate": done / self.duration,
            "p50": percentile(whole, 0.5),
            "p95": percentile(whole, 0.95),
            "p99": percentile(whole, 0.99),
            "errors": errors,
            "cpu": cpu,
            "server_cpu_ms": server * self.duration * 1000 / done if done and cpu else None,
            "collector_cpu_ms": cpu.get("bankid collector", 0) / 100 * self.duration * 1000 / done
            if done and cpu
            else None,
            "sim_cpu_ms": cpu.get("bankid simulator", 0) / 100 * self.duration * 1000 / done
            if done and cpu
            else None,
            "wall": (self.wall_from, self.wall_to),
        }


async def _meter(phase: Phase, meter: R.CpuMeter, out: dict) -> None:
    await asyncio.sleep(max(phase.window_from - time.perf_counter(), 0))
    meter.start()
    await asyncio.sleep(max(phase.window_to - time.perf_counter(), 0))
    out.update(meter.stop())


async def poll_phase(port, browsers, warmup, duration, interval, meter) -> dict:
    phase = Phase(warmup, duration)
    n = len(browsers)

    async def browser_loop(i: int, browser: R.Browser) -> None:
        await asyncio.sleep(i * interval / n)  # first polls spread evenly
        while time.perf_counter() < phase.window_to and not R.STOP.is_set():
            started = time.perf_counter()
            try:
                status, body = await fetch(port, browser.status_path, browser, timeout=60)
                error = check_poll(status, body)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                error = type(exc).__name__
            phase.results.append((started, time.perf_counter(), error))
            await asyncio.sleep(interval)  # bankid.js: setTimeout(poll, 2000) after the answer

    cpu: dict = {}
    await asyncio.gather(
        _meter(phase, meter, cpu), *(browser_loop(i, b) for i, b in enumerate(browsers))
    )
    return phase.summary(cpu)


async def paced_phase(port, rate, warmup, duration, meter) -> dict:
    """/halsa/ offered open-loop at `rate` (one connection a request, as the
    browsers' polls): its CPU per request at the polls' own rate. A sync
    worker woken for every connection costs more per request than one kept
    busy by closed-loop clients, so this is the like-for-like yardstick."""
    phase = Phase(warmup, duration)
    tasks = []

    async def one() -> None:
        started = time.perf_counter()
        try:
            status, _body = await fetch(port, "/halsa/", None, timeout=30)
            error = None if status == 200 else f"HTTP {status}"
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
            error = type(exc).__name__
        phase.results.append((started, time.perf_counter(), error))

    async def offer() -> None:
        sent = 0
        while time.perf_counter() < phase.window_to and not R.STOP.is_set():
            tasks.append(asyncio.create_task(one()))
            sent += 1
            await asyncio.sleep(max(0.0, phase.t0 + sent / rate - time.perf_counter()))
        await asyncio.gather(*tasks)

    cpu: dict = {}
    await asyncio.gather(_meter(phase, meter, cpu), offer())
    return phase.summary(cpu)


async def trivial_phase(port, clients, warmup, duration, meter) -> dict:
    phase = Phase(warmup, duration)

    async def client_loop() -> None:
        while time.perf_counter() < phase.window_to and not R.STOP.is_set():
            started = time.perf_counter()
            try:
                status, _body = await fetch(port, "/halsa/", None, timeout=30)
                error = None if status == 200 else f"HTTP {status}"
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError) as exc:
                error = type(exc).__name__
            phase.results.append((started, time.perf_counter(), error))

    cpu: dict = {}
    await asyncio.gather(_meter(phase, meter, cpu), *(client_loop() for _ in range(clients)))
    return phase.summary(cpu)


def collect_stats(events: list, wall: tuple[float, float]) -> dict:
    collects = [(t, ref) for t, endpoint, ref in events if endpoint == "collect"]
    inside = [(t, ref) for t, ref in collects if wall[0] <= t <= wall[1]]
    per_order: dict[str, list[float]] = {}
    for t, ref in inside:
        per_order.setdefault(ref, []).append(t)
    gaps = [b - a for ts in per_order.values() for a, b in itertools.pairwise(ts)]
    duration = wall[1] - wall[0]
    return {
        "collects": len(inside),
        "rate": len(inside) / duration,
        "orders": len(per_order),
        "min_gap": min(gaps) if gaps else None,
        "under_2s": sum(1 for g in gaps if g < 2.0),
        "median_gap": median(gaps),
        "max_per_order_rate": max((len(ts) for ts in per_order.values()), default=0) / duration,
    }


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def cpu_line(cpu: dict) -> str:
    if not cpu:
        return "–"
    order = [
        "gunicorn",
        "postgres",
        "bankid collector",
        "bankid simulator",
        "load generator",
        "other processes",
    ]
    parts = [f"{name} {cpu[name]:.0f}%" for name in order if name in cpu]
    return ", ".join(parts) + f", machine busy {cpu['machine busy']:.0f}% of {os.cpu_count()} cores"


def report(rounds, logins, profile, args, info, notes) -> str:
    def med(key, which):
        return median([r[which][key] for r in rounds])

    ratios = [r["ratio"] for r in rounds]
    cpu_ratios = [r["cpu_ratio"] for r in rounds]
    lines = [
        f"### B4 run of {info['date']} — commit {info['commit']}",
        "",
        f"- Machine: `nproc` = {info['nproc']}, {info['cpu']}; Python {info['python']}. "
        "**The load generator (this script: one asyncio thread, raw-socket HTTP) and the "
        "BankID simulator run on the same 2-core machine** as gunicorn and PostgreSQL; their "
        "CPU is shown apart. The machine may be shared with other jobs (*other processes*).",
        f"- Platform: gunicorn {args.workers} × `{args.worker_class}`"
        + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
        + ", production settings (see the settings note), DB sessions, PostgreSQL 15 "
        "(fsync on), plain HTTP on loopback with `X-Forwarded-Proto: https`.",
        f"- BankID: the simulator (`bench/bankid_sim.py`, its own process) over mutual TLS on "
        f"loopback, orders pending (outstandingTransaction) for the whole run, "
        f"{args.collect_delay * 1000:.0f} ms added per /collect, "
        + ("Nagle left on (~40 ms stall per call) " if args.keep_nagle else "TCP_NODELAY on ")
        + "(real BankID is an internet round trip away: see the suggestions).",
        f"- {args.logins} logins started (GET /logga-in/bankid/ + POST starta/ device=other, "
        f"each its own cookie jar) in {logins['seconds']:.1f} s = "
        f"{logins['rate']:.0f} starts/s ({args.login_threads} threads).",
        f"- Polling as bankid.js does: every browser GETs {POLL_PATH} 2 s after its previous "
        f"answer (first polls spread over 2 s), offered ≤ {args.logins / 2:.0f}/s; each "
        "answer carries the QR contents the browser draws (no QR image requests); "
        f"{args.duration:.0f} s window after {args.warmup:.0f} s warm-up; then /halsa/ with "
        f"{args.trivial_clients} closed-loop clients ({args.trivial_duration:.0f} s), and "
        f"offered open-loop at the polls' served rate ({args.trivial_duration:.0f} s); "
        f"{len(rounds)} round(s), medians.",
        *[f"- {note}" for note in notes],
        "",
        "| figure | this run (median) | target |",
        "|---|---|---|",
        f"| poll req/s served ({args.logins} waiting browsers) | **{fmt(med('rate', 'poll'))}** "
        f"| offered ≈ {args.logins / (2 + (med('p50', 'poll') or 0)):.0f} |",
        f"| poll p50 / p95 / p99 | {ms(med('p50', 'poll'))} / **{ms(med('p95', 'poll'))}** / "
        f"{ms(med('p99', 'poll'))} | – |",
        f"| /collect calls/s at the simulator | {fmt(med('rate', 'collect'))} "
        f"(≤ {args.logins / 2:.0f}) | ≤ 1 per order per 2 s |",
        f"| /halsa/ req/s ({args.trivial_clients} clients) "
        f"| {fmt(med('rate', 'trivial'), 0)} | – |",
        f"| **ratio poll req/s ÷ /halsa/ req/s** | **{fmt(median(ratios), 3)}** | ≥ 0.7 |",
        f"| server CPU per poll · per /halsa/ (gunicorn + PostgreSQL) "
        f"| {fmt(med('server_cpu_ms', 'poll'), 2)} ms · "
        f"{fmt(med('server_cpu_ms', 'trivial'), 2)} ms "
        "| – |",
        f"| CPU ratio /halsa/ ÷ poll (capacity ratio if the server had the cores to itself) "
        f"| {fmt(median(cpu_ratios), 3)} | ≥ 0.7 |",
        f"| server CPU per /halsa/ offered at the polls' rate (open loop, like-for-like) "
        f"| {fmt(med('server_cpu_ms', 'paced'), 2)} ms | – |",
        f"| **CPU ratio like-for-like** (that /halsa/ ÷ poll) "
        f"| **{fmt(median([r['paced_cpu_ratio'] for r in rounds]), 3)}** | ≥ 0.7 |",
        f"| collector CPU per poll (`collect_bankid`, its own process; not in the web's figure) "
        f"| {fmt(med('collector_cpu_ms', 'poll'), 2)} ms | – |",
        f"| simulator CPU per poll | {fmt(med('sim_cpu_ms', 'poll'), 2)} ms | – |",
        "",
        "Rounds (poll req/s · p95 · collects/s · min gap between two collects of one order · "
        "collects < 2 s apart · /halsa/ req/s · ratio · failed polls):",
        "",
    ]
    for r in rounds:
        c = r["collect"]
        lines.append(
            f"- {r['poll']['rate']:.1f} · {ms(r['poll']['p95'])} · {c['rate']:.1f} · "
            f"{fmt(c['min_gap'], 2, ' s')} · {c['under_2s']} · {r['trivial']['rate']:.0f} · "
            f"{fmt(r['ratio'], 3)} · {r['poll']['failed']}"
        )
    last = rounds[-1]
    lines += [
        "",
        "CPU during the last round (% of one core, from /proc):",
        "",
        f"- polling: {cpu_line(last['poll']['cpu'])}",
        f"- /halsa/: {cpu_line(last['trivial']['cpu'])}",
    ]
    errors: dict[str, int] = {}
    for r in rounds:
        for k, v in r["poll"]["errors"].items():
            errors[k] = errors.get(k, 0) + v
    if errors:
        lines.append(f"- poll errors: {errors}")
    if profile:
        c, k = profile["collecting"], profile["cached"]
        other = c["ms"] - c["collect_ms"] - c["session_load_ms"] - c["session_save_ms"]
        lines += [
            "",
            f"#### Where a poll spends its time (in-process, Django test client, bench settings, "
            f"{profile['sessions']} sessions, {c['polls']} polls; no gunicorn, no network but the "
            "collect call)",
            "",
            "| poll | ms | collect call (mTLS, keep-alive) | session load | session save "
            "| rest (middleware, view, JSON) | SQL ms | queries |",
            "|---|---|---|---|---|---|---|---|",
            "| collects itself (every poll before the collector; now only when overdue) "
            f"| {c['ms']:.2f} | {c['collect_ms']:.2f} "
            f"| {c['session_load_ms']:.2f} | {c['session_save_ms']:.2f} | {other:.2f} "
            f"| {c['sql_ms']:.2f} | {c['queries']:.1f} |",
            "| reads the state (now every poll: the order's row by poll key) "
            f"| {k['ms']:.2f} | {k['collect_ms']:.2f} "
            f"| {k['session_load_ms']:.2f} | {k['session_save_ms']:.2f} "
            f"| {k['ms'] - k['collect_ms'] - k['session_load_ms'] - k['session_save_ms']:.2f} "
            f"| {k['sql_ms']:.2f} | {k['queries']:.1f} |",
            "",
            f"/halsa/ the same way: {profile['health_ms']:.2f} ms. Session load includes its "
            "SELECT, session save its UPDATE (and the signing/serialising of the session).",
            "",
            "The queries of a collecting poll:",
            "",
            "```",
            *c["sql"][-4:],
            "```",
            "",
            "Top functions by own time (cProfile, collecting polls):",
            "",
            "```",
            *profile["top_tottime"],
            "```",
            "",
            "Top functions by cumulative time:",
            "",
            "```",
            *profile["top_cumtime"],
            "```",
        ]
    return "\n".join(lines) + "\n"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (~1.5 min)")
    parser.add_argument("--logins", type=int, default=1000)
    parser.add_argument("--login-threads", type=int, default=8)
    parser.add_argument("--duration", type=float, default=30, help="poll window, s")
    parser.add_argument("--warmup", type=float, default=6, help="s of polling before the window")
    parser.add_argument("--trivial-clients", type=int, default=16)
    parser.add_argument("--trivial-duration", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--collect-delay", type=float, default=0.0, help="s added per /collect")
    parser.add_argument(
        "--keep-nagle", action="store_true", help="leave the simulator's ~40 ms Nagle stall"
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--profile-polls", type=int, default=600)
    parser.add_argument("--quiet-wait", type=float, default=20)
    parser.add_argument(
        "--no-collector", action="store_true", help="no collect_bankid: polls collect themselves"
    )
    parser.add_argument("--no-append", action="store_true", help="do not write docs/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.logins, args.duration, args.warmup = min(args.logins, 200), 10, 4
        args.trivial_duration, args.repeats, args.profile_polls = 5, 1, 100
    args.logins = min(max(args.logins, 1), 5000)
    args.repeats = min(max(args.repeats, 1), 10)
    args.quiet_wait = min(max(args.quiet_wait, 0), 120)
    for name in ("duration", "warmup", "trivial_duration"):
        setattr(args, name, min(max(getattr(args, name), 1), 300))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    info = R.machine()
    tmp = Path(tempfile.mkdtemp(prefix="etjanst-b4."))
    os.chmod(tmp, 0o755)  # noqa: S103 (postgres must reach its folder inside)
    stack = BankIDStack(tmp, args)
    started = time.monotonic()
    rounds: list[dict] = []
    profile = None
    try:
        stack.start()
        log(f"Starting {args.logins} BankID logins")
        browsers, seconds = start_logins(stack.web_port, args.logins, args.login_threads)
        logins = {"seconds": seconds, "rate": args.logins / seconds}
        log(f"{args.logins} logins started in {seconds:.1f} s")
        groups = {
            "gunicorn": [stack.gunicorn.pid],
            "postgres": [stack.postmaster_pid()],
            "bankid simulator": [stack.sim.pid],
            "load generator": [os.getpid()],
        }
        if stack.collector is not None:
            groups["bankid collector"] = [stack.collector.pid]
        for round_no in range(1, args.repeats + 1):
            background = R.wait_for_quiet(args.quiet_wait) if args.quiet_wait else None
            poll = asyncio.run(
                poll_phase(
                    stack.web_port, browsers, args.warmup, args.duration, 2.0, R.CpuMeter(groups)
                )
            )
            trivial = asyncio.run(
                trivial_phase(
                    stack.web_port,
                    args.trivial_clients,
                    2,
                    args.trivial_duration,
                    R.CpuMeter(groups),
                )
            )
            paced = asyncio.run(
                paced_phase(
                    stack.web_port,
                    max(poll["rate"], 1.0),
                    2,
                    args.trivial_duration,
                    R.CpuMeter(groups),
                )
            )
            ratio = poll["rate"] / trivial["rate"] if trivial["rate"] else None
            cpu_ratio = (
                trivial["server_cpu_ms"] / poll["server_cpu_ms"]
                if poll["server_cpu_ms"] and trivial["server_cpu_ms"]
                else None
            )
            rounds.append(
                {
                    "poll": poll,
                    "trivial": trivial,
                    "paced": paced,
                    "paced_cpu_ratio": paced["server_cpu_ms"] / poll["server_cpu_ms"]
                    if poll["server_cpu_ms"] and paced["server_cpu_ms"]
                    else None,
                    "ratio": ratio,
                    "cpu_ratio": cpu_ratio,
                    "background": background,
                }
            )
            log(
                f"B4 round {round_no}: poll {poll['rate']:.1f} req/s (p50 {ms(poll['p50'])}, "
                f"p95 {ms(poll['p95'])}, failed {poll['failed']}); /halsa/ "
                f"{trivial['rate']:.0f} req/s; ratio {fmt(ratio, 3)}; server CPU "
                f"{fmt(poll['server_cpu_ms'], 2)} ms/poll, "
                f"{fmt(trivial['server_cpu_ms'], 2)} ms/halsa "
                f"({fmt(paced['server_cpu_ms'], 2)} ms at the polls' rate); {cpu_line(poll['cpu'])}"
            )
            for error, count in list(poll["errors"].items())[:5]:
                log(f"    error ×{count}: {error}")
        log("Profiling a poll in-process")
        out = subprocess.run(
            [R.PY, str(R.BENCH / "profile_poll.py"), "--polls", str(args.profile_polls)],
            cwd=R.ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if out.returncode == 0:
            profile = json.loads(out.stdout)
        else:
            log("profile_poll.py failed:\n" + out.stderr[-3000:])
        sim = stack.stop_simulator()
        for r in rounds:
            r["collect"] = collect_stats(sim.get("events", []), r["poll"]["wall"])
            log(
                f"collects in the window: {r['collect']['rate']:.1f}/s over "
                f"{r['collect']['orders']} orders, min gap {fmt(r['collect']['min_gap'], 2)} s, "
                f"{r['collect']['under_2s']} under 2 s"
            )
    except KeyboardInterrupt:
        R.STOP.set()
        log("Interrupted: stopping everything")
        return 130
    except Exception:
        R.STOP.set()
        for name in ("gunicorn", "bankid_sim"):
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
    block = report(rounds, logins, profile, args, info, stack.notes)
    block += f"\n(Total benchmark time {time.monotonic() - started:.0f} s.)\n"
    print()
    print(block)
    if not args.no_append:
        R.append_results(block)
        log(f"Appended to {R.RESULTS_FILE.relative_to(R.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
