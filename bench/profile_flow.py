#!/usr/bin/env python3
"""Profile the resident flow of bench/eservice.json in-process.

Run by bench/run.py against its throw-away stack (the environment carries
DJANGO_SETTINGS_MODULE=production, DATABASE_URL, ...). Goes through the
whole Django handler and middleware with the test client (CSRF enforced,
"https" through X-Forwarded-Proto), so gunicorn and the network are left
out. Prints JSON: per request mean time and SQL queries, the queries of one
flow, and the top functions by own and cumulative time under cProfile.
"""

import argparse
import cProfile
import json
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

SLUG = "bench-synpunkt"
NAMES = [
    "GET intro",
    "POST starta",
    "GET steg 1",
    "POST steg 1",
    "GET granska",
    "POST granska (Skicka)",
    "GET kvitto",
]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')


class QueryLog:
    def __init__(self) -> None:
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, time.perf_counter() - started))


def run_flow(client, n: int, timings: dict | None, qlog: QueryLog | None):
    origin = "https://127.0.0.1"
    page = None

    def call(index, method, path, data=None, **kw):
        nonlocal page
        headers = {"referer": origin + page} if page else {}
        if method == "post":
            headers["origin"] = origin
        if qlog is not None:
            qlog.queries.clear()
        started = time.perf_counter()
        response = getattr(client, method)(path, data, headers=headers, **kw)
        elapsed = time.perf_counter() - started
        if timings is not None:
            timings[index]["ms"].append(elapsed * 1000)
            timings[index]["queries"].append(len(qlog.queries) if qlog else 0)
            timings[index]["sql_ms"].append(sum(t for _s, t in qlog.queries) * 1000 if qlog else 0)
            timings[index]["sql"] = [s for s, _t in qlog.queries] if qlog else []
        if response.status_code == 200:
            page = path
        return response

    intro = f"/e-tjanster/{SLUG}/"
    r = call(0, "get", intro)
    assert r.status_code == 200, r.status_code
    token = CSRF_RE.search(r.content.decode()).group(1)
    r = call(1, "post", f"{intro}starta/", {"csrfmiddlewaretoken": token})
    assert r.status_code == 302, r.status_code
    step = r["Location"]
    r = call(2, "get", step)
    assert r.status_code == 200, r.status_code
    token = CSRF_RE.search(r.content.decode()).group(1)
    data = {
        "csrfmiddlewaretoken": token,
        "shown": ["namn", "epost", "antal", "datum", "beskrivning"],
        "q_namn": f"Testperson {n}",
        "q_epost": f"profil{n}@example.se",
        "q_antal": str(n % 1000),
        "q_datum": "2026-03-14",
        "q_beskrivning": "Belysningen vid parken är trasig sedan en vecka. " * 6,
        "action": "next",
    }
    r = call(3, "post", step, data)  # multipart, like the browser
    assert r.status_code == 302, (r.status_code, r.content[:2000])
    review = r["Location"]
    r = call(4, "get", review)
    assert r.status_code == 200, r.status_code
    html = r.content.decode()
    token = CSRF_RE.search(html).group(1)
    key = KEY_RE.search(html).group(1)
    r = call(
        5,
        "post",
        review,
        f"csrfmiddlewaretoken={token}&submission_key={key}",
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 302, r.status_code
    r = call(6, "get", r["Location"])
    assert r.status_code == 200, r.status_code


def short(path: str) -> str:
    for marker in ("site-packages/", "/src/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path.rsplit("/", 2)[-1] if "/" in path else path


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
    parser.add_argument("--flows", type=int, default=30)
    args = parser.parse_args()
    flows = min(max(args.flows, 1), 500)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etjanst.config.settings.production")
    import django

    django.setup()
    from http.cookies import SimpleCookie

    from django.db import connection
    from django.test import Client

    shared = Client(
        enforce_csrf_checks=True,
        HTTP_HOST="127.0.0.1",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9",
        HTTP_USER_AGENT="etjanst-bench-profile/1.0",
    )

    def new_client():
        """A new resident: no cookies. (The client, and so the middleware
        chain, is reused: a new Client would rebuild WhiteNoise's file index.)"""
        shared.cookies = SimpleCookie()
        return shared

    for n in range(5):  # warm-up: imports, template loading, connection
        run_flow(new_client(), n, None, None)

    qlog = QueryLog()
    timings = [defaultdict(list) for _ in NAMES]
    with connection.execute_wrapper(qlog):
        for n in range(flows):
            run_flow(new_client(), 1000 + n, timings, qlog)
        client = new_client()
        health = []
        health_queries = []
        for _ in range(200):
            qlog.queries.clear()
            started = time.perf_counter()
            assert client.get("/halsa/").status_code == 200
            health.append((time.perf_counter() - started) * 1000)
            health_queries.append(len(qlog.queries))

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    for n in range(flows):
        run_flow(new_client(), 5000 + n, None, None)
    profiler.disable()
    total = time.perf_counter() - started
    stats = pstats.Stats(profiler)

    def mean(values):
        return sum(values) / len(values) if values else 0.0

    requests = [
        {
            "name": name,
            "ms": mean(t["ms"]),
            "queries": mean(t["queries"]),
            "sql_ms": mean(t["sql_ms"]),
        }
        for name, t in zip(NAMES, timings, strict=True)
    ]
    one_flow_sql = []
    for name, t in zip(NAMES, timings, strict=True):
        one_flow_sql.append(f"-- {name}")
        for sql in t["sql"]:
            one_flow_sql.append("   " + re.sub(r"\s+", " ", sql)[:160])
    json.dump(
        {
            "flows": flows,
            "requests": requests,
            "flow_ms": sum(r["ms"] for r in requests),
            "flow_sql_ms": sum(r["sql_ms"] for r in requests),
            "flow_queries": sum(r["queries"] for r in requests),
            "health_ms": mean(health),
            "health_queries": mean(health_queries),
            "profiled_flow_ms": total / flows * 1000,
            "top_tottime": top(stats, 2, 25, total),
            "top_cumtime": top(stats, 3, 40, total),
            "queries_of_one_flow": one_flow_sql,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
