#!/usr/bin/env python3
"""CPU per request of /halsa/ and of the BankID key-poll, in-process.

Calls the WSGI application (etjanst.config.wsgi, as gunicorn does) directly
with a built environ, thousands of times, and measures this process's CPU
time (time.process_time): gunicorn's own parsing and the socket are left out,
the database server's CPU too. Needs a migrated database and settings in the
environment, e.g. as bench/bankid_poll.py sets them (DJANGO_SETTINGS_MODULE=
bench_settings, DATABASE_URL, SECRET_KEY, BANKID_BASE_URL, ...):

    .venv/bin/python bench/profile_front.py --count 5000 [--profile]

Prints µs of CPU per request for each, their ratio, and with --profile
cProfile's top functions of the poll.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
import uuid


def environ(path: str, query: str = "", host: str = "127.0.0.1") -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_ACCEPT": "application/json",
        "HTTP_COOKIE": "etjanst_language=sv",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    from datetime import timedelta

    from django.utils import timezone

    from etjanst.config.wsgi import application
    from etjanst.eid import bankid_orders
    from etjanst.eid.models import BankIDOrder

    BankIDOrder.objects.filter(order_ref="profile-front").delete()
    now = timezone.now()
    BankIDOrder.objects.create(
        order_ref="profile-front",
        poll_key="profile-front-key",
        hint_code="outstandingTransaction",
        created_at=now,
        # A QR-code order: the answer carries the next seconds' QR contents.
        qr_start_token=str(uuid.uuid4()),
        qr_start_secret=str(uuid.uuid4()),
        started_at=time.time(),
        due_at=now + timedelta(hours=1),
    )
    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def call(env: dict) -> bytes:
        result = application(dict(env), start_response)
        try:
            return b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()

    bankid_orders.collector_beat("profile-front")
    bankid_orders.forget_collector_check()
    halsa = environ("/halsa/")
    poll = environ("/logga-in/bankid/status/", "k=profile-front-key")
    body = call(poll)
    assert statuses[-1].startswith("200"), (statuses[-1], body)
    assert b'"pending"' in body, body
    call(halsa)

    def measure(env: dict) -> float:
        # As when collect_bankid runs: a poll only reads its order's row.
        bankid_orders.collector_beat("profile-front")
        for _ in range(200):
            call(env)
        started = time.process_time()
        for _ in range(args.count):
            call(env)
        return (time.process_time() - started) / args.count * 1e6

    results = {"halsa": [], "poll": []}
    for _ in range(3):
        results["halsa"].append(measure(halsa))
        results["poll"].append(measure(poll))
    h, p = min(results["halsa"]), min(results["poll"])
    print(f"/halsa/: {h:.0f} µs CPU per request (best of 3 × {args.count})")
    print(f"poll:    {p:.0f} µs CPU per request; poll ÷ /halsa/ = {p / h:.2f} (ratio {h / p:.2f})")
    print("poll answer:", body.decode())
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.count):
            call(poll)
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(35)
        stats.sort_stats("tottime").print_stats(25)
    BankIDOrder.objects.filter(order_ref="profile-front").delete()
    bankid_orders.collector_stopped("profile-front")


if __name__ == "__main__":
    main()
