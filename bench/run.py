#!/usr/bin/env python3
"""Benchmarks B1 and B2 of docs/shared reference: the whole resident flow.

    .venv/bin/python bench/run.py            # everything, ~8 minutes
    .venv/bin/python bench/run.py --quick    # a smoke run, ~1.5 minutes

Starts, in a temporary folder, a throw-away PostgreSQL 15, a local SMTP
server and the platform as in production (gunicorn, production settings,
DEBUG off), then drives it from this process over loopback only:

B1  N concurrent "browsers" (8 and 16) go through every request a browser
    makes from the intro page to the receipt, CSRF included; in the same run
    the trivial page /halsa/ with the same concurrency. Fixed-duration
    windows after a warm-up, repeated, medians reported.
B2  the same flow with `manage.py db_worker` running (1 and 2 workers):
    submissions fully processed (PDF receipt stored and confirmation e-mail
    delivered to the SMTP server) per second, and the READY queue over time.

Then profiles one flow in-process (bench/profile_flow.py), prints a
Markdown result block and appends it to docs/benchmarks.md. Everything it
started is stopped in a finally block (also on Ctrl-C / SIGTERM).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gzip
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
VENV_BIN = ROOT / ".venv" / "bin"
PY = str(VENV_BIN / "python")
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SLUG = "bench-synpunkt"
RESULTS_FILE = ROOT / "docs" / "benchmarks.md"
HOST = "127.0.0.1"  # the only load target this script ever talks to

CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(rb'name="submission_key" value="([^"]+)"')
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) etjanst-bench/1.0"
REQUESTS_PER_FLOW = 7
QUESTIONS = ["namn", "epost", "antal", "datum", "beskrivning"]


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, p: float):
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def fmt(value, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:.{digits}f}{unit}"


def ms(seconds) -> str:
    return "–" if seconds is None else f"{seconds * 1000:.0f} ms"


class Interrupted(Exception):
    pass


# --------------------------------------------------------------------------
# The stack: PostgreSQL, SMTP, gunicorn, task workers
# --------------------------------------------------------------------------


class Stack:
    """Everything the benchmark starts, stopped in reverse order by close()."""

    def __init__(self, tmp: Path, args) -> None:
        self.tmp = tmp
        self.args = args
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.pg_data = tmp / "pg" / "data"
        self.pg_started = False
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.env: dict[str, str] = {}
        self.web_port = 0
        self.mail_dir = tmp / "mail"
        self.gunicorn: subprocess.Popen | None = None
        self.notes: list[str] = []

    # -- processes --------------------------------------------------------
    def popen(self, name: str, cmd: list[str], **kw) -> subprocess.Popen:
        logfile = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=kw.pop("env", self.env),
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us only; we stop them in order
            **kw,
        )
        logfile.close()
        self.procs.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 15) -> None:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self.procs = [(n, p) for n, p in self.procs if p is not proc]

    def manage(self, *arguments: str, check: bool = True, env=None) -> str:
        out = subprocess.run(
            [PY, "manage.py", *arguments],
            cwd=ROOT,
            env=env or self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and out.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{out.stdout}{out.stderr}")
        return out.stdout

    # -- PostgreSQL -------------------------------------------------------
    def start_postgres(self) -> str:
        pg_dir = self.pg_data.parent
        pg_dir.mkdir(parents=True)
        if self.as_pg:
            shutil.chown(pg_dir, "postgres")
        port = free_port()
        subprocess.run(
            [
                *self.as_pg,
                *(str(PG_BIN / "initdb"), "-D", str(self.pg_data), "-U", "etjanst"),
                *("--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        # Production durability (fsync and synchronous_commit stay on: this
        # disk does an fsync in ~0.1 ms). Only listening and size are set.
        options = (
            f"-p {port} -k {pg_dir} -c listen_addresses={HOST} -c max_connections=200"
            " -c shared_buffers=256MB"
        )
        self.pg_started = True
        result = subprocess.run(
            [
                *self.as_pg,
                *(str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data)),
                *("-l", str(pg_dir / "server.log"), "-w", "-o", options, "start"),
            ],
            capture_output=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError((pg_dir / "server.log").read_text(errors="replace"))
        subprocess.run(
            [
                *self.as_pg,
                *(str(PG_BIN / "createdb"), "-h", str(pg_dir), "-p", str(port)),
                *("-U", "etjanst", "etjanst"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return f"postgres://etjanst@{HOST}:{port}/etjanst"

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.pg_data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    # -- the platform -----------------------------------------------------
    def start(self) -> None:
        args = self.args
        log(f"Temporary folder {self.tmp}")
        log("Starting PostgreSQL 15")
        database_url = self.start_postgres()
        smtp_port = free_port()
        self.web_port = free_port()
        alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ETJANST_"))},
            "DJANGO_SETTINGS_MODULE": "etjanst.config.settings.production",
            "SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "ETJANST_VAR_DIR": str(self.tmp / "var"),
            "STATIC_ROOT": str(self.tmp / "static"),
            "MEDIA_ROOT": str(self.tmp / "media"),
            "EMAIL_HOST": HOST,
            "EMAIL_PORT": str(smtp_port),
            "PYTHONUNBUFFERED": "1",
            # The benchmark's clients all come from 127.0.0.1: the limits on
            # anonymous sends per address and per e-service would answer 429.
            "ETJANST_RATE_SUBMISSIONS_PER_CLIENT": "",
            "ETJANST_RATE_SUBMISSIONS_PER_ESERVICE": "",
        }
        log("migrate, load_eservices, collectstatic")
        self.manage("migrate", "--noinput")
        self.manage("load_eservices", str(BENCH / "eservice.json"))
        self.manage("collectstatic", "--noinput")
        manifest = json.loads((self.tmp / "static" / "staticfiles.json").read_text())
        if "etjanst/site.css" not in manifest.get("paths", {}):
            # Production settings do not find src/etjanst/static/: every page
            # would answer 500. Collect once more with that folder added
            # (bench/collectstatic_settings.py); the platform itself still
            # runs on the production settings.
            self.notes.append(
                "WORKAROUND: `collectstatic` with production settings leaves out "
                "src/etjanst/static/ (no STATICFILES_DIRS, `etjanst` is not an app), so "
                "every page answers 500 (*Missing staticfiles manifest entry for "
                "'etjanst/site.css'*). The benchmark collected with "
                "bench/collectstatic_settings.py (production + that folder); gunicorn "
                "and the workers run on the unchanged production settings."
            )
            log("Production collectstatic misses etjanst/site.css: collecting with the workaround")
            self.manage(
                "collectstatic",
                "--noinput",
                env={
                    **self.env,
                    "DJANGO_SETTINGS_MODULE": "collectstatic_settings",
                    "PYTHONPATH": str(BENCH),
                },
            )

        log(f"Starting the local SMTP server on {HOST}:{smtp_port}")
        self.popen(
            "mailbox",
            [
                *(PY, "-m", "etjanst.simulators.mailbox"),
                *("--host", HOST, "--port", str(smtp_port), "--folder", str(self.mail_dir)),
            ],
        )

        cmd = [
            str(VENV_BIN / "gunicorn"),
            "etjanst.config.wsgi",
            "--bind",
            f"{HOST}:{self.web_port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ]
        if args.worker_class == "gthread":
            cmd += ["--threads", str(args.threads)]
        log(f"Starting gunicorn: {args.workers} × {args.worker_class} on {HOST}:{self.web_port}")
        self.gunicorn = self.popen("gunicorn", cmd)
        self.wait_until_ready()
        wait_for_port(smtp_port, 20)

    def wait_until_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.gunicorn.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log_tail("gunicorn"))
            browser = Browser(self.web_port, timeout=5)
            try:
                response, _t = browser.request("GET", "/halsa/")
                if response.status == 200:
                    return
            except (OSError, FlowError, ValueError):
                pass
            finally:
                browser.close()
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /halsa/:\n" + self.log_tail("gunicorn"))

    def log_tail(self, name: str, lines: int = 40) -> str:
        try:
            return "\n".join(
                (self.tmp / f"{name}.log").read_text(errors="replace").splitlines()[-lines:]
            )
        except OSError:
            return ""

    def start_task_workers(self, count: int) -> list[subprocess.Popen]:
        return [
            self.popen(
                f"db_worker{i}",
                [PY, "manage.py", "db_worker", "--worker-id", f"bench-{i}", "--no-reload"],
            )
            for i in range(1, count + 1)
        ]

    def close(self) -> None:
        for _name, proc in reversed(list(self.procs)):
            try:
                self.stop(proc)
            except Exception as exc:
                print(f"could not stop {_name}: {exc}", file=sys.stderr)
        if self.pg_started:
            subprocess.run(
                [
                    *self.as_pg,
                    *(str(PG_BIN / "pg_ctl"), "-D", str(self.pg_data), "-m", "fast", "-w", "stop"),
                ],
                capture_output=True,
                timeout=60,
            )


def wait_for_port(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            s.settimeout(1)
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {HOST}:{port}")


# --------------------------------------------------------------------------
# CPU accounting from /proc (who uses the two cores during a window)
# --------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, own ticks, own + reaped children's ticks) of every
    process. Counting the reaped children keeps the CPU of processes that
    ended inside a window (PostgreSQL backends come and go with
    CONN_MAX_AGE): their time moves into their parent's cutime/cstime."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2 :].split()
        own = int(fields[11]) + int(fields[12])
        table[int(entry)] = (int(fields[1]), own, own + int(fields[13]) + int(fields[14]))
    return table


def _total_busy() -> tuple[int, int]:
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


class CpuMeter:
    """CPU seconds per group of process trees between start() and stop()."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups

    def _sample(self) -> dict[str, int]:
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _own, _all) in table.items():
            children.setdefault(ppid, []).append(pid)
        result = {}
        for name, roots in self.groups.items():
            if name == "load generator":  # this process only, not its children
                result[name] = sum(table[p][1] for p in roots if p in table)
                continue
            seen, stack = set(), [r for r in roots if r]
            while stack:
                pid = stack.pop()
                if pid in seen or pid not in table:
                    continue
                seen.add(pid)
                stack.extend(children.get(pid, []))
            result[name] = sum(table[p][2] for p in seen)
        return result

    def start(self) -> None:
        self.t0 = time.monotonic()
        self.s0 = self._sample()
        self.b0 = _total_busy()

    def stop(self) -> dict:
        elapsed = time.monotonic() - self.t0
        if elapsed < 0.5:
            return {}
        s1, b1 = self._sample(), _total_busy()
        busy = (b1[0] - self.b0[0]) / max(b1[1] - self.b0[1], 1)
        # % of one core per group; "machine busy" = % of all cores; "other
        # processes" = what else ran on the machine meanwhile (shared box).
        shares = {
            name: 100 * (s1.get(name, 0) - self.s0.get(name, 0)) / CLK_TCK / elapsed
            for name in self.groups
        }
        ours = sum(shares.values())
        shares["other processes"] = max(100 * busy * (os.cpu_count() or 1) - ours, 0)
        shares["machine busy"] = 100 * busy
        return shares


# --------------------------------------------------------------------------
# The load generator: a browser made of a raw socket and a cookie jar
# --------------------------------------------------------------------------


class FlowError(Exception):
    pass


class Response:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, list[str]], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str, default: str = "") -> str:
        values = self.headers.get(name.lower())
        return values[-1] if values else default


class Browser:
    """One resident's browser: its own cookies, Referer/Origin like a browser
    on https (the platform sits behind TLS: we send X-Forwarded-Proto).

    A minimal HTTP/1.1 client on a raw socket: the load generator shares the
    two cores with the platform, so it must cost as little CPU as possible
    (http.client's e-mail header parser costs several times more). Keeps the
    connection when the server does (gthread), reconnects when it closes
    (sync workers answer `Connection: close`)."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self.port = port
        self.timeout = timeout
        self.host = f"{HOST}:{port}"
        self.origin = f"https://{self.host}"
        self.sock: socket.socket | None = None
        self.cookies: dict[str, str] = {}
        self.page: str | None = None  # the page the browser shows (Referer)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((HOST, self.port), timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def request(self, method: str, path: str, body: bytes = b"", content_type: str = ""):
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}",
            "X-Forwarded-Proto: https",
            f"User-Agent: {USER_AGENT}",
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language: sv-SE,sv;q=0.9,en;q=0.8",
            "Accept-Encoding: gzip, deflate",
        ]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if self.page:
            lines.append(f"Referer: {self.origin}{self.page}")
        if method == "POST":
            lines.append(f"Origin: {self.origin}")
            lines.append(f"Content-Type: {content_type}")
            lines.append(f"Content-Length: {len(body)}")
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        started = time.perf_counter()
        reused = self.sock is not None
        try:
            if self.sock is None:
                self.sock = self._connect()
            try:
                self.sock.sendall(raw)
                response = self._read()
            except (ConnectionError, FlowError):
                if not reused:
                    raise
                # the server closed a kept-alive connection: once more, fresh
                self.close()
                self.sock = self._connect()
                self.sock.sendall(raw)
                response = self._read()
        except OSError:
            self.close()
            raise
        elapsed = time.perf_counter() - started
        if response.header("connection").lower() == "close":
            self.close()
        encoding = response.header("content-encoding")
        if encoding == "gzip":
            response.body = gzip.decompress(response.body)
        elif encoding == "deflate":
            response.body = zlib.decompress(response.body)
        for cookie in response.headers.get("set-cookie", []):
            self._store_cookie(cookie)
        return response, elapsed

    def _read(self) -> Response:
        sock = self.sock
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = sock.recv(65536)
            if not chunk:
                raise FlowError("connection closed before the response")
            buf += chunk
            if len(buf) > 1 << 20:
                raise FlowError("response head too large")
        head, _, rest = buf.partition(b"\r\n\r\n")
        head_lines = head.decode("latin-1").split("\r\n")
        status = int(head_lines[0].split(" ", 2)[1])
        headers: dict[str, list[str]] = {}
        for line in head_lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), []).append(value.strip())
        length = headers.get("content-length")
        if length is not None:
            need = int(length[-1])
            chunks = [rest]
            have = len(rest)
            while have < need:
                chunk = sock.recv(max(need - have, 65536))
                if not chunk:
                    raise FlowError("connection closed inside the body")
                chunks.append(chunk)
                have += len(chunk)
            body = b"".join(chunks)[:need]
        elif "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
            body = self._read_chunked(rest)
        else:  # until the server closes
            chunks = [rest]
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            body = b"".join(chunks)
            headers["connection"] = ["close"]
        return Response(status, headers, body)

    def _read_chunked(self, buf: bytes) -> bytes:
        body = []
        while True:
            while b"\r\n" not in buf:
                buf += self._recv()
            size_line, _, buf = buf.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            while len(buf) < size + 2:
                buf += self._recv()
            if size == 0:
                return b"".join(body)
            body.append(buf[:size])
            buf = buf[size + 2 :]

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise FlowError("connection closed inside a chunked body")
        return chunk

    def _store_cookie(self, header: str) -> None:
        first, *attributes = header.split(";")
        name, _, value = first.strip().partition("=")
        attrs = {a.strip().split("=", 1)[0].lower(): a for a in attributes}
        expired = "max-age" in attrs and attrs["max-age"].split("=", 1)[-1].strip() == "0"
        if expired or (value in ('""', "") and "expires" in attrs):
            self.cookies.pop(name, None)
        else:
            # A real browser sends __Host-/Secure cookies back over https; the
            # platform is "on https" for us (X-Forwarded-Proto), so we do too.
            self.cookies[name] = value

    def get(self, path: str, expect: int = 200):
        response, elapsed = self.request("GET", path)
        if response.status != expect:
            raise FlowError(f"GET {_shape(path)} -> {response.status}")
        if response.status == 200:
            self.page = path
        return response, elapsed

    def post(self, path: str, body: bytes, content_type: str, expect: int = 302):
        response, elapsed = self.request("POST", path, body, content_type)
        if response.status != expect:
            raise FlowError(f"POST {_shape(path)} -> {response.status}")
        return response, elapsed


def _shape(path: str) -> str:
    """A path with the secrets taken out, for error counts."""
    return re.sub(r"/kvitto/[^/]+/", "/kvitto/<token>/", path.split("?")[0])


def _location(response: Response) -> str:
    url = urllib.parse.urlsplit(response.header("location"))
    return url.path + (f"?{url.query}" if url.query else "")


def _find(regex: re.Pattern, data: bytes, what: str) -> str:
    match = regex.search(data)
    if not match:
        raise FlowError(f"no {what} in the page")
    return match.group(1).decode()


def urlencoded(fields: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def multipart(fields: list[tuple[str, str]]) -> tuple[bytes, str]:
    """The body a browser sends for the step form (enctype=multipart/form-data)."""
    boundary = "----etjanstbench" + secrets.token_hex(8)
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


WORDS = [
    "gatan",
    "parken",
    "belysningen",
    "bänken",
    "papperskorgen",
    "cykelbanan",
    "skylten",
    "trädet",
    "lekplatsen",
    "trottoaren",
    "övergångsstället",
    "snöröjningen",
    "gräsmattan",
    "dagvattnet",
    "busshållplatsen",
]


def answers(rng: random.Random, n: int) -> list[tuple[str, str]]:
    text = " ".join(rng.choice(WORDS) for _ in range(45)).capitalize() + "."
    return [
        ("q_namn", f"Testperson {n}"),
        ("q_epost", f"bench{n}@example.se"),
        ("q_antal", str(rng.randint(0, 1000))),
        ("q_datum", f"2026-0{rng.randint(1, 9)}-{rng.randint(10, 28)}"),
        ("q_beskrivning", text),
    ]


@dataclass
class FlowResult:
    start: float
    end: float
    ok: bool
    submit: float | None = None
    error: str | None = None
    steps: list[float] = field(default_factory=list)


def one_flow(port: int, rng: random.Random, n: int) -> FlowResult:
    """Every request a browser makes, intro page to receipt (7 requests)."""
    browser = Browser(port)
    start = time.perf_counter()
    steps: list[float] = []
    form = "application/x-www-form-urlencoded"
    try:
        intro = f"/e-tjanster/{SLUG}/"
        page, t = browser.get(intro)
        steps.append(t)
        token = _find(CSRF_RE, page.body, "csrf token")
        redirect, t = browser.post(
            f"{intro}starta/", urlencoded([("csrfmiddlewaretoken", token)]), form
        )
        steps.append(t)
        step_url = _location(redirect)
        page, t = browser.get(step_url)
        steps.append(t)
        token = _find(CSRF_RE, page.body, "csrf token")
        if b'name="q_beskrivning"' not in page.body:
            raise FlowError("step 1 has no questions")
        fields = [("csrfmiddlewaretoken", token)]
        fields += [("shown", qid) for qid in QUESTIONS]
        fields += answers(rng, n)
        fields += [("action", "next")]
        body, content_type = multipart(fields)
        redirect, t = browser.post(step_url, body, content_type)
        steps.append(t)
        review_url = _location(redirect)
        if not review_url.endswith("/granska/"):
            raise FlowError(f"step 1 did not lead to the review: {_shape(review_url)}")
        page, t = browser.get(review_url)
        steps.append(t)
        token = _find(CSRF_RE, page.body, "csrf token")
        key = _find(KEY_RE, page.body, "submission key")
        redirect, submit = browser.post(
            review_url,
            urlencoded([("csrfmiddlewaretoken", token), ("submission_key", key)]),
            form,
        )
        steps.append(submit)
        receipt_url = _location(redirect)
        if "/kvitto/" not in receipt_url:
            raise FlowError(f"Skicka did not lead to a receipt: {_shape(receipt_url)}")
        page, t = browser.get(receipt_url)
        steps.append(t)
        if b"inskickat" not in page.body:
            raise FlowError("the receipt page does not say the case was sent")
        return FlowResult(start, time.perf_counter(), True, submit, steps=steps)
    except (FlowError, OSError, ValueError) as exc:
        return FlowResult(start, time.perf_counter(), False, error=f"{type(exc).__name__}: {exc}")
    finally:
        browser.close()


def one_trivial(browser: Browser) -> FlowResult:
    """GET /halsa/ with the same headers as the flow (sync workers close the
    connection after each response, so this reconnects like the flow does)."""
    start = time.perf_counter()
    try:
        response, _t = browser.request("GET", "/halsa/")
        if response.status != 200:
            raise FlowError(f"GET /halsa/ -> {response.status}")
        return FlowResult(start, time.perf_counter(), True)
    except (FlowError, OSError, ValueError) as exc:
        browser.close()
        return FlowResult(start, time.perf_counter(), False, error=f"{type(exc).__name__}: {exc}")


STOP = threading.Event()
_counter = iter(range(10**12))
_counter_lock = threading.Lock()


def next_number() -> int:
    with _counter_lock:
        return next(_counter)


@dataclass
class LoadResult:
    kind: str
    clients: int
    duration: float
    done: int  # completed OK inside the window
    failed: int
    rate: float
    latencies: list[float]
    submits: list[float]
    errors: dict[str, int]
    cpu: dict[str, float]
    samples: list[dict] = field(default_factory=list)
    step_means: list[float] = field(default_factory=list)
    background: float | None = None  # % of the machine busy just before

    @property
    def server_cpu_ms(self) -> float | None:
        """CPU time of gunicorn + PostgreSQL per completed flow (or request):
        what one costs, whatever else shares the machine."""
        if not self.cpu or not self.done:
            return None
        core_seconds = (self.cpu.get("gunicorn", 0) + self.cpu.get("postgres", 0)) / 100
        return core_seconds * self.duration * 1000 / self.done

    @property
    def p50(self):
        return percentile(self.latencies, 0.5)

    @property
    def p95(self):
        return percentile(self.latencies, 0.95)


def run_load(
    kind: str,
    port: int,
    clients: int,
    warmup: float,
    duration: float,
    meter: CpuMeter | None = None,
    sampler=None,
    quiet_wait: float = 0,
) -> LoadResult:
    """`clients` threads loop over flows (or /halsa/) for warm-up + duration;
    only what completes inside the window counts. `sampler` is called every
    second from the main thread (B2's queue series)."""
    background = wait_for_quiet(quiet_wait) if quiet_wait else None
    results: list[list[FlowResult]] = [[] for _ in range(clients)]
    started = time.perf_counter()
    window_from = started + warmup
    window_to = window_from + duration

    def loop(i: int) -> None:
        rng = random.Random(i * 7919 + int(started))
        browser = Browser(port)
        while not STOP.is_set() and time.perf_counter() < window_to:
            if kind == "flow":
                results[i].append(one_flow(port, rng, next_number()))
            else:
                results[i].append(one_trivial(browser))
        browser.close()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    samples = []
    _sleep_until(window_from)
    if meter:
        meter.start()
    next_sample = time.perf_counter()
    while time.perf_counter() < window_to and not STOP.is_set():
        if sampler:
            samples.append(sampler())
        next_sample += 1
        _sleep_until(min(next_sample, window_to))
    cpu = meter.stop() if meter else {}
    for thread in threads:
        thread.join(timeout=max(window_to + 60 - time.perf_counter(), 1))
    if STOP.is_set():
        raise Interrupted
    flat = [r for rs in results for r in rs]
    inside = [r for r in flat if window_from <= r.end <= window_to]
    ok = [r for r in inside if r.ok]
    whole = [r for r in ok if r.start >= window_from]  # latencies: wholly inside
    errors: dict[str, int] = {}
    for r in flat:
        if not r.ok:
            errors[r.error] = errors.get(r.error, 0) + 1
    return LoadResult(
        kind=kind,
        clients=clients,
        duration=duration,
        done=len(ok),
        failed=len(inside) - len(ok),
        rate=len(ok) / duration,
        latencies=[r.end - r.start for r in whole],
        submits=[r.submit for r in whole if r.submit is not None],
        errors=errors,
        cpu=cpu,
        samples=samples,
        background=background,
        step_means=[statistics.fmean(col) for col in zip(*[r.steps for r in whole], strict=True)]
        if whole and kind == "flow"
        else [],
    )


def wait_for_quiet(limit: float, threshold: float = 25.0) -> float:
    """This machine is shared: before a window, wait (at most `limit` s) until
    it is nearly idle. Returns how busy it was (% of all cores) at the start."""
    deadline = time.monotonic() + limit
    while True:
        b0 = _total_busy()
        STOP.wait(1.0)
        b1 = _total_busy()
        busy = 100 * (b1[0] - b0[0]) / max(b1[1] - b0[1], 1)
        if busy < threshold or time.monotonic() >= deadline or STOP.is_set():
            return busy


def _sleep_until(moment: float) -> None:
    while not STOP.is_set():
        left = moment - time.perf_counter()
        if left <= 0:
            return
        STOP.wait(min(left, 0.5))


# --------------------------------------------------------------------------
# B1, B2
# --------------------------------------------------------------------------


def cpu_groups(stack: Stack, task_workers=()) -> dict[str, list[int]]:
    groups = {
        "gunicorn": [stack.gunicorn.pid],
        "postgres": [stack.postmaster_pid()],
        "smtp": [p.pid for n, p in stack.procs if n == "mailbox"],
        "load generator": [os.getpid()],
    }
    if task_workers:
        groups["db_worker"] = [p.pid for p in task_workers]
    return groups


def benchmark_b1(stack: Stack, args) -> dict:
    out: dict = {}
    for clients in args.clients:
        rounds = []
        for round_no in range(1, args.repeats + 1):
            flow = run_load(
                "flow",
                stack.web_port,
                clients,
                args.warmup,
                args.duration,
                meter=CpuMeter(cpu_groups(stack)),
                quiet_wait=args.quiet_wait,
            )
            trivial = run_load(
                "trivial",
                stack.web_port,
                clients,
                args.warmup,
                args.trivial_duration,
                meter=CpuMeter(cpu_groups(stack)),
                quiet_wait=args.quiet_wait,
            )
            ratio = flow.rate / trivial.rate if trivial.rate else None
            log(
                f"B1 {clients} clients, round {round_no}: {flow.rate:.1f} flows/s "
                f"(p50 {ms(flow.p50)}, p95 {ms(flow.p95)}, submit p95 "
                f"{ms(percentile(flow.submits, 0.95))}, failed {flow.failed}); "
                f"/halsa/ {trivial.rate:.0f} req/s; ratio {fmt(ratio, 3)}; server CPU "
                f"{fmt(flow.server_cpu_ms)} ms/flow, {fmt(trivial.server_cpu_ms, 2)} ms/halsa; "
                f"background before {fmt(flow.background, 0)}%/{fmt(trivial.background, 0)}%"
            )
            for error, count in list(flow.errors.items())[:5]:
                log(f"    error ×{count}: {error}")
            rounds.append((flow, trivial, ratio))
        out[clients] = rounds
    return out


class QueueProbe:
    """Reads the queue and the cases straight from PostgreSQL."""

    def __init__(self, database_url: str, mail_dir: Path) -> None:
        import psycopg

        self.db = psycopg.connect(database_url, autocommit=True)
        self.mail_dir = mail_dir
        from psycopg import sql

        row = self.db.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name LIKE %s AND table_schema = 'public'",
            ("%dbtaskresult",),
        ).fetchone()
        table = sql.Identifier(row[0])
        self.delete_tasks = sql.SQL("DELETE FROM {}").format(table)
        self.count_tasks = sql.SQL(
            "SELECT count(*) FILTER (WHERE status = 'READY'), "
            "count(*) FILTER (WHERE status = 'RUNNING'), "
            "count(*) FILTER (WHERE status = 'FAILED') FROM {}"
        ).format(table)

    def reset(self) -> int:
        """Forget the backlog B1 left (B1 runs without workers) and return the
        last case id: B2 counts only the cases it makes."""
        self.db.execute(self.delete_tasks)
        return self.last_case_id()

    def last_case_id(self) -> int:
        return self.db.execute("SELECT coalesce(max(id), 0) FROM cases_case").fetchone()[0]

    def sample(self, since_id: int, t0: float) -> dict:
        ready, running, failed_tasks = self.db.execute(self.count_tasks).fetchone()
        cases, processed = self.db.execute(
            "SELECT count(*), count(*) FILTER (WHERE receipt_pdf <> '' "
            "AND confirmation_sent_at IS NOT NULL) FROM cases_case WHERE id > %s",
            (since_id,),
        ).fetchone()
        return {
            "t": time.perf_counter() - t0,
            "ready": ready,
            "running": running,
            "cases": cases,
            "processed": processed,
            "failed": failed_tasks,
            "mails": self.mail_count(),
        }

    def mail_count(self) -> int:
        try:
            return sum(1 for _ in self.mail_dir.glob("*.eml"))
        except OSError:
            return 0

    def close(self) -> None:
        self.db.close()


def benchmark_b2(stack: Stack, args) -> dict:
    out = {}
    probe = QueueProbe(stack.env["DATABASE_URL"], stack.mail_dir)
    try:
        for worker_count in args.task_workers:
            background = wait_for_quiet(args.quiet_wait) if args.quiet_wait else None
            warm_since = probe.reset()
            workers = stack.start_task_workers(worker_count)
            try:
                # Warm-up: a few submissions processed before the clock starts,
                # so every worker has imported WeasyPrint and connected.
                rng = random.Random(worker_count)
                for _ in range(2 * worker_count):
                    one_flow(stack.web_port, rng, next_number())
                deadline = time.perf_counter() + 30
                while time.perf_counter() < deadline and not STOP.is_set():
                    warm = probe.sample(warm_since, 0)
                    if warm["processed"] >= warm["cases"]:
                        break
                    STOP.wait(0.5)
                since_id = probe.last_case_id()
                mails_before = probe.mail_count()
                t0 = time.perf_counter()
                load = run_load(
                    "flow",
                    stack.web_port,
                    args.b2_clients,
                    0,
                    args.b2_duration,
                    meter=CpuMeter(cpu_groups(stack, workers)),
                    sampler=functools.partial(probe.sample, since_id, t0),
                )
                load_end = time.perf_counter() - t0
                at_load_end = probe.sample(since_id, t0)
                series = [*load.samples, at_load_end]
                drain_meter = CpuMeter(cpu_groups(stack, workers))
                drain_meter.start()
                deadline = time.perf_counter() + args.drain_limit
                sample = at_load_end
                while sample["processed"] < sample["cases"] and time.perf_counter() < deadline:
                    _sleep_until(time.perf_counter() + 1)
                    if STOP.is_set():
                        raise Interrupted
                    sample = probe.sample(since_id, t0)
                    series.append(sample)
                drain_cpu = drain_meter.stop()
                done_at = sample["t"]
                if STOP.is_set():
                    raise Interrupted
            finally:
                for worker in workers:
                    stack.stop(worker)
            drained = sample["processed"] - at_load_end["processed"]
            drain_time = done_at - at_load_end["t"]
            result = {
                "workers": worker_count,
                "clients": args.b2_clients,
                "load": load,
                "accepted": sample["cases"],
                "processed": sample["processed"],
                "complete": sample["processed"] >= sample["cases"],
                "mails": probe.mail_count() - mails_before,
                "failed_tasks": sample["failed"],
                "during_load_rate": at_load_end["processed"] / load_end,
                "drain_rate": drained / drain_time if drain_time > 0.5 else None,
                "drain_time": drain_time,
                "overall_rate": sample["processed"] / done_at,
                "series": series,
                "drain_cpu": drain_cpu,
                "background": background,
                # worker CPU per submission while draining (PDF + e-mail + queue)
                "worker_cpu_ms": drain_cpu.get("db_worker", 0) / 100 * drain_time * 1000 / drained
                if drain_cpu and drained
                else None,
            }
            log(
                f"B2 {worker_count} worker(s): {load.rate:.1f} flows/s accepted, "
                f"{result['during_load_rate']:.1f} processed/s during load, drain "
                f"{fmt(result['drain_rate'])}/s, overall {result['overall_rate']:.1f}/s; "
                f"{sample['processed']}/{sample['cases']} processed, "
                f"{result['mails']} e-mails"
            )
            out[worker_count] = result
    finally:
        probe.close()
    return out


def profile_flow(stack: Stack, args) -> dict | None:
    """One flow in-process under cProfile, with the queries of each request."""
    try:
        out = subprocess.run(
            [PY, str(BENCH / "profile_flow.py"), "--flows", str(args.profile_flows)],
            cwd=ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        log("profile_flow.py failed:\n" + out.stderr[-3000:])
        return None
    return json.loads(out.stdout)


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def machine() -> dict:
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "src"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "cpu": model,
        "commit": commit + (" (+ uncommitted changes in src/)" if dirty else ""),
        "python": sys.version.split()[0],
    }


def cpu_line(cpu: dict) -> str:
    if not cpu:
        return "–"
    order = ["gunicorn", "postgres", "db_worker", "smtp", "load generator", "other processes"]
    parts = [f"{name} {cpu[name]:.0f}%" for name in order if name in cpu]
    parts.append(f"machine busy {cpu['machine busy']:.0f}% of {os.cpu_count()} cores")
    return ", ".join(parts)


def ceiling(cpu_ms: float | None) -> float | None:
    """What all the cores could do if they ran nothing but the server."""
    return (os.cpu_count() or 1) * 1000 / cpu_ms if cpu_ms else None


def _b1_medians(rounds) -> dict:
    flows = [f for f, _t, _r in rounds]
    trivials = [t for _f, t, _r in rounds]
    ratios = [r for _f, _t, r in rounds]
    flow_cpu = median([f.server_cpu_ms for f in flows])
    halsa_cpu = median([t.server_cpu_ms for t in trivials])
    rate = median([f.rate for f in flows])
    trivial = median([t.rate for t in trivials])
    return {
        "rate": rate,
        "p50": median([f.p50 for f in flows]),
        "p95": median([f.p95 for f in flows]),
        "submit_p50": median([percentile(f.submits, 0.5) for f in flows]),
        "submit_p95": median([percentile(f.submits, 0.95) for f in flows]),
        "trivial": trivial,
        "ratio": median(ratios),
        "request_cost": trivial / (rate * REQUESTS_PER_FLOW) if rate else None,
        "flow_cpu": flow_cpu,
        "halsa_cpu": halsa_cpu,
        "cpu_ratio": halsa_cpu / flow_cpu if flow_cpu and halsa_cpu else None,
        "failed": sum(f.failed for f in flows),
        "background": median([f.background for f in flows] + [t.background for t in trivials]),
        "others": median(
            [f.cpu.get("other processes") for f in flows]
            + [t.cpu.get("other processes") for t in trivials]
        ),
    }


def report(b1: dict, b2: dict, profile: dict | None, args, info: dict, notes=()) -> str:
    lines = [
        f"### Run of {info['date']} — commit {info['commit']}",
        "",
        f"- Machine: `nproc` = {info['nproc']}, {info['cpu']}; Python {info['python']}. "
        f"**The load generator (this script: one process, up to {max(args.clients)} threads, "
        "raw-socket HTTP client) runs on the same machine** and shares the cores with "
        "gunicorn, PostgreSQL, the SMTP server and the task workers. The machine is also "
        "shared with other jobs: their CPU use is shown as *other processes*.",
        f"- Platform: gunicorn {args.workers} × `{args.worker_class}`"
        + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
        + " workers, `etjanst.config.settings.production` (DEBUG off, DB sessions, CSRF, CSP, "
        "HSTS), PostgreSQL 15 (fsync on), plain HTTP on loopback with "
        "`X-Forwarded-Proto: https`; the client sends the `__Host-` cookies back itself.",
        f"- B1: {args.duration:.0f} s windows after {args.warmup:.0f} s warm-up "
        f"(/halsa/: {args.trivial_duration:.0f} s), {args.repeats} round(s), medians shown. "
        f"A flow = {REQUESTS_PER_FLOW} requests (GET intro, POST starta, GET steg 1, "
        "POST steg 1 as multipart, GET granska, POST granska, GET kvitto), a new browser "
        "(cookie jar) per flow; static files are not fetched (a browser has them cached).",
        *[f"- {note}" for note in notes],
        "",
        "#### B1 — the whole resident flow, no task worker running",
        "",
        "| clients | flows/s | flow p50 | flow p95 | submit p50 | submit p95 | /halsa/ req/s "
        "| ratio flows ÷ /halsa/ | failed |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    meds = {clients: _b1_medians(rounds) for clients, rounds in b1.items()}
    for clients, m in meds.items():
        lines.append(
            f"| {clients} | **{fmt(m['rate'])}** | {ms(m['p50'])} | {ms(m['p95'])} "
            f"| {ms(m['submit_p50'])} | {ms(m['submit_p95'])} | {fmt(m['trivial'], 0)} "
            f"| **{fmt(m['ratio'], 3)}** | {m['failed']} |"
        )
    lines += [
        "",
        "What a flow costs, measured the same way (CPU time from /proc of gunicorn + "
        "PostgreSQL, divided by what completed; independent of what else runs):",
        "",
        "| clients | server CPU per flow | server CPU per /halsa/ | CPU ratio /halsa/ ÷ flow "
        "| ceiling on the 2 cores (flows/s · /halsa/ req/s) "
        "| one flow request = n × /halsa/ (by rate) | machine busy before (others during) |",
        "|---|---|---|---|---|---|---|",
    ]
    for clients, m in meds.items():
        lines.append(
            f"| {clients} | {fmt(m['flow_cpu'])} ms | {fmt(m['halsa_cpu'], 2)} ms "
            f"| {fmt(m['cpu_ratio'], 3)} "
            f"| {fmt(ceiling(m['flow_cpu']), 0)} · {fmt(ceiling(m['halsa_cpu']), 0)} "
            f"| {fmt(m['request_cost'])} "
            f"| {fmt(m['background'], 0)}% ({fmt(m['others'], 0)}% of a core during) |"
        )
    lines += ["", "Rounds (flows/s · /halsa/ req/s · ratio):", ""]
    for clients, rounds in b1.items():
        lines.append(
            f"- {clients} clients: "
            + "; ".join(f"{f.rate:.1f} · {t.rate:.0f} · {fmt(r, 3)}" for f, t, r in rounds)
        )
    lines += ["", "CPU during the last round (% of one core, from /proc):", ""]
    for clients, rounds in b1.items():
        flow, trivial, _r = rounds[-1]
        lines.append(f"- {clients} clients, flow: {cpu_line(flow.cpu)}")
        lines.append(f"- {clients} clients, /halsa/: {cpu_line(trivial.cpu)}")
    names = [
        "GET intro",
        "POST starta",
        "GET steg 1",
        "POST steg 1",
        "GET granska",
        "POST granska",
        "GET kvitto",
    ]
    lines += ["", "Mean time of each request as the client sees it (last round):", ""]
    lines.append("| clients | " + " | ".join(names) + " |")
    lines.append("|---|" + "---|" * len(names))
    for clients, rounds in b1.items():
        means = rounds[-1][0].step_means
        if means:
            lines.append(f"| {clients} | " + " | ".join(ms(m) for m in means) + " |")
    if b2:
        lines += [
            "",
            f"#### B2 — the flow with the task workers running ({args.b2_clients} clients, "
            f"{args.b2_duration:.0f} s of load, then the queue drains)",
            "",
            "*Fully processed* = the PDF receipt is stored and the confirmation e-mail was "
            "delivered to the local SMTP server (`receipt_pdf` and `confirmation_sent_at` "
            "set; the .eml files are counted too). The workers warm up on a few submissions "
            "first; B1's backlog is removed before.",
            "",
            "| workers | flows/s accepted | processed/s during load | drain rate after load "
            "| processed/s overall | processed / accepted | e-mails | worker CPU per submission "
            "| machine busy before |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for count, r in b2.items():
            lines.append(
                f"| {count} | {r['load'].rate:.1f} | **{r['during_load_rate']:.1f}** "
                f"| **{fmt(r['drain_rate'])}** | {r['overall_rate']:.1f} "
                f"| {r['processed']} / {r['accepted']}"
                f"{'' if r['complete'] else ' (drain limit hit)'} | {r['mails']} "
                f"| {fmt(r['worker_cpu_ms'], 0)} ms | {fmt(r['background'], 0)}% |"
            )
        lines += [
            "",
            "READY tasks in the queue, every second (t = 0 s when the load starts; "
            f"it stops after {args.b2_duration:.0f} s):",
            "",
        ]
        for count, r in b2.items():
            series = r["series"]
            lines.append(
                f"- {count} worker(s): `" + " ".join(str(x["ready"]) for x in series) + "`"
            )
            lines.append(
                "  processed so far, every 5 s: `"
                + " ".join(str(x["processed"]) for x in series[::5])
                + "`"
            )
        lines += ["", "CPU (% of one core):", ""]
        for count, r in b2.items():
            lines.append(f"- {count} worker(s), during load: {cpu_line(r['load'].cpu)}")
            lines.append(f"- {count} worker(s), draining: {cpu_line(r['drain_cpu'])}")
    lines += ["", "#### Against the peer and the targets", ""]
    lines.append("| figure | this run | Open Forms (reference) | target |")
    lines.append("|---|---|---|---|")
    if meds:
        rates = " / ".join(fmt(m["rate"]) for m in meds.values())
        ratios = " / ".join(fmt(m["ratio"], 3) for m in meds.values())
        p95s = " / ".join(ms(m["p95"]) for m in meds.values())
        trivials = " / ".join(fmt(m["trivial"], 0) for m in meds.values())
        who = " / ".join(str(c) for c in meds)
        lines.append(f"| flows/s, {who} clients | {rates} | 10.7 / 11.1 | ≥ 110 |")
        lines.append(f"| flow p95, {who} clients | {p95s} | 0.89 s / 1.6 s | – |")
        lines.append(f"| trivial page req/s | {trivials} | 179–197 | – |")
        lines.append(f"| ratio flows ÷ trivial | {ratios} | 0.054–0.062 | ≥ 0.35 |")
    if b2:
        best = max(b2.values(), key=lambda r: r["overall_rate"])
        drains = " / ".join(f"{fmt(r['drain_rate'])}" for r in b2.values())
        during = " / ".join(f"{r['during_load_rate']:.1f}" for r in b2.values())
        who = " / ".join(str(c) for c in b2)
        lines.append(
            f"| fully processed/s, {who} worker(s): during load · drain | {during} · {drains} "
            f"| ≈ 1.5 (one worker) | ≥ 15 |"
        )
        del best
    if profile:
        lines += profile_lines(profile)
    return "\n".join(lines) + "\n"


def profile_lines(profile: dict) -> list[str]:
    lines = [
        "",
        f"#### Profile of one flow (in-process, Django test client, production settings, "
        f"{profile['flows']} flows; mean per request; no gunicorn, no network)",
        "",
        "| request | ms | SQL queries | SQL ms |",
        "|---|---|---|---|",
    ]
    for row in profile["requests"]:
        lines.append(
            f"| {row['name']} | {row['ms']:.1f} | {row['queries']:.0f} | {row['sql_ms']:.1f} |"
        )
    lines += [
        "",
        f"Whole flow: {profile['flow_ms']:.1f} ms of which SQL {profile['flow_sql_ms']:.1f} ms "
        f"in {profile['flow_queries']:.0f} queries; /halsa/: {profile['health_ms']:.2f} ms, "
        f"{profile['health_queries']:.0f} queries.",
        "",
        "Top functions by own time (cProfile, whole flows):",
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
    if profile.get("queries_of_one_flow"):
        lines += ["", "The queries of one flow:", "", "```", *profile["queries_of_one_flow"], "```"]
    return lines


def append_results(block: str) -> None:
    RESULTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    if not RESULTS_FILE.exists():
        RESULTS_FILE.write_text("# Benchmarks\n\nSee bench/README.md.\n\n## Results\n\n")
    with RESULTS_FILE.open("a", encoding="utf-8") as f:
        f.write("\n" + block)


# --------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (~1.5 min)")
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--duration", type=float, default=15, help="B1 flow window, s")
    parser.add_argument("--trivial-duration", type=float, default=8, help="/halsa/ window, s")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--task-workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--b2-clients", type=int, default=8)
    parser.add_argument("--b2-duration", type=float, default=15)
    parser.add_argument("--drain-limit", type=float, default=100, help="max s to wait for B2")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=4, help="with --worker-class gthread")
    parser.add_argument("--profile-flows", type=int, default=30)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=20,
        help="before each window wait at most this long for a quiet machine (0: never)",
    )
    parser.add_argument("--no-append", action="store_true", help="do not write docs/")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.trivial_duration, args.warmup, args.repeats = 6, 4, 2, 1
        args.b2_duration, args.drain_limit, args.profile_flows = 6, 40, 10
    # Bounded: every loop in this script stops at a deadline.
    args.quiet_wait = min(max(args.quiet_wait, 0), 120)
    for name in ("duration", "trivial_duration", "warmup", "b2_duration", "drain_limit"):
        setattr(args, name, min(max(getattr(args, name), 1), 300))
    args.clients = [min(max(c, 1), 64) for c in args.clients]
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if not Path(PY).exists():
        print("No .venv: run `make bench` (or pip install -e '.[dev]').", file=sys.stderr)
        return 2

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    # Ctrl-C stops everything even when started as a background job (which
    # would otherwise inherit SIGINT as ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    info = machine()
    tmp = Path(tempfile.mkdtemp(prefix="etjanst-bench."))
    os.chmod(tmp, 0o755)  # noqa: S103 (postgres must reach its folder inside)
    stack = Stack(tmp, args)
    started = time.monotonic()
    try:
        stack.start()
        log(f"B1: clients {args.clients}, {args.repeats} rounds")
        b1 = benchmark_b1(stack, args)
        b2 = benchmark_b2(stack, args) if args.task_workers else {}
        log("Profiling one flow in-process")
        profile = profile_flow(stack, args)
    except KeyboardInterrupt:
        STOP.set()
        log("Interrupted: stopping everything")
        return 130
    except Interrupted:
        return 130
    except Exception:
        STOP.set()
        for name in ("gunicorn", "mailbox", "db_worker1"):
            tail = stack.log_tail(name)
            if tail:
                print(f"--- {name}.log ---\n{tail}", file=sys.stderr)
        raise
    finally:
        STOP.set()
        stack.close()
        if args.keep:
            log(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    block = report(b1, b2, profile, args, info, stack.notes)
    block += f"\n(Total benchmark time {time.monotonic() - started:.0f} s.)\n"
    print()
    print(block)
    if not args.no_append:
        append_results(block)
        log(f"Appended to {RESULTS_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
