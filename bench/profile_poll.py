#!/usr/bin/env python3
"""Where a BankID poll (GET /logga-in/bankid/status/) spends its time.

Run by bench/bankid_poll.py against its stack (the environment carries
DJANGO_SETTINGS_MODULE=bench_settings, DATABASE_URL, BANKID_* of the running
simulator). In-process with Django's test client (CSRF enforced, "https"
through X-Forwarded-Proto): gunicorn and the browser side are left out, the
collect call to the simulator over mutual TLS is not. Starts --sessions
logins, then polls them round-robin:

* "collecting" polls: bankid_login.COLLECT_INTERVAL is set to 0 here so that
  every poll collects (before the collector, every poll in the paced
  benchmark collected; since, only a poll whose order no collector has
  collected in time does: ETJANST_BANKID_POLL_COLLECTS_AFTER is set to 0);
* "cached" polls: the interval is set to an hour, so the poll answers
  without calling BankID (since the collector: every poll, reading the
  order's row by the waiting page's poll key, no session).

Prints JSON: mean ms per poll and its parts (collect call, session load,
session save, SQL), the queries of one poll, and cProfile's top functions.
"""

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from html import unescape
from pathlib import Path

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STATUS_RE = re.compile(r'data-status-url="([^"]+)"')
POLL_PATH = "/logga-in/bankid/status/"
ORIGIN = "https://127.0.0.1"


class Timer:
    """Wraps a function (on its class) and sums its wall time."""

    def __init__(self, owner, name: str) -> None:
        self.total = 0.0
        self.calls = 0
        real = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.total += time.perf_counter() - started
                self.calls += 1

        setattr(owner, name, timed)

    def reset(self) -> None:
        self.total, self.calls = 0.0, 0


class QueryLog:
    def __init__(self) -> None:
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, time.perf_counter() - started))


def short(path: str) -> str:
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def top(stats: pstats.Stats, key: int, count: int, total: float) -> list[str]:
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][key], reverse=True)[:count]
    lines = [f"{'own ms':>9} {'cum ms':>9} {'%cum':>6} {'calls':>8}  function"]
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in rows:
        lines.append(
            f"{tt * 1000:9.1f} {ct * 1000:9.1f} {100 * ct / total:5.1f}% {nc:8d}  "
            f"{short(filename)}:{line}({func})"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--polls", type=int, default=600)
    args = parser.parse_args()
    n_sessions = min(max(args.sessions, 1), 1000)
    n_polls = min(max(args.polls, 10), 5000)

    import django

    django.setup()
    from http.cookies import SimpleCookie

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.test import Client

    from etjanst.eid import bankid_login
    from etjanst.eid.contrib.bankid.client import BankIDClient

    client = Client(
        enforce_csrf_checks=True,
        HTTP_HOST="127.0.0.1",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9",
        HTTP_USER_AGENT="etjanst-bench-profile/1.0",
    )
    jars = []
    for _ in range(n_sessions):
        client.cookies = SimpleCookie()
        page = client.get("/logga-in/bankid/?next=/")
        assert page.status_code == 200, page.status_code
        token = CSRF_RE.search(page.content.decode()).group(1)
        started = client.post(
            "/logga-in/bankid/starta/",
            {"csrfmiddlewaretoken": token, "next": "/", "device": "other"},
            headers={"origin": ORIGIN, "referer": ORIGIN + "/logga-in/bankid/"},
        )
        assert started.status_code == 302 and "vantar" in started["Location"], started
        wait = client.get("/logga-in/bankid/vantar/").content.decode()
        found = STATUS_RE.search(wait)
        jars.append((client.cookies, unescape(found.group(1)) if found else POLL_PATH))

    collect = Timer(BankIDClient, "collect")
    load = Timer(SessionStore, "load")
    save = Timer(SessionStore, "save")
    qlog = QueryLog()
    headers = {"referer": ORIGIN + "/logga-in/bankid/vantar/", "accept": "application/json"}

    def poll(i: int) -> None:
        client.cookies, path = jars[i % len(jars)]
        response = client.get(path, headers=headers)
        assert response.status_code == 200, response.status_code
        assert response.json()["status"] == "pending", response.content

    def measure(interval: float, count: int) -> dict:
        bankid_login.COLLECT_INTERVAL = interval
        settings.ETJANST_BANKID_POLL_COLLECTS_AFTER = 0.0 if interval == 0 else 3600.0
        for i in range(min(count, 50)):  # warm-up
            poll(i)
        for timer in (collect, load, save):
            timer.reset()
        qlog.queries.clear()
        started = time.perf_counter()
        with connection.execute_wrapper(qlog):
            for i in range(count):
                poll(i)
        total = time.perf_counter() - started
        sql_ms = sum(t for _s, t in qlog.queries) * 1000 / count
        return {
            "polls": count,
            "ms": total * 1000 / count,
            "collect_ms": collect.total * 1000 / count,
            "collects_per_poll": collect.calls / count,
            "session_load_ms": load.total * 1000 / count,
            "session_save_ms": save.total * 1000 / count,
            "sql_ms": sql_ms,
            "queries": len(qlog.queries) / count,
            "sql": [re.sub(r"\s+", " ", s)[:200] for s, _t in qlog.queries[-8:]],
        }

    collecting = measure(0.0, n_polls)
    cached = measure(3600.0, n_polls)

    # Health page for comparison, same client and middleware.
    client.cookies = SimpleCookie()
    started = time.perf_counter()
    for _ in range(300):
        assert client.get("/halsa/").status_code == 200
    health_ms = (time.perf_counter() - started) * 1000 / 300

    bankid_login.COLLECT_INTERVAL = 0.0
    settings.ETJANST_BANKID_POLL_COLLECTS_AFTER = 0.0
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for i in range(n_polls):
        poll(i)
    profiler.disable()
    total = time.perf_counter() - started
    stats = pstats.Stats(profiler)
    json.dump(
        {
            "sessions": n_sessions,
            "collecting": collecting,
            "cached": cached,
            "health_ms": health_ms,
            "profiled_ms": total * 1000 / n_polls,
            "top_tottime": top(stats, 2, 25, total),
            "top_cumtime": top(stats, 3, 45, total),
        },
        sys.stdout,
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
    main()
