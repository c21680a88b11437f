#!/usr/bin/env python3
"""Benchmark of the integration API and the webhook outbox (issue 18).

    .venv/bin/python bench/api.py                          # 200,000 cases, ~10 minutes
    .venv/bin/python bench/api.py --cases 1000000          # the issue's size, ~25 minutes more
    .venv/bin/python bench/api.py --cases 20000 --duration 5 --no-append   # smoke run

Starts bench/run.py's stack (a throw-away PostgreSQL 15, gunicorn with 5 sync
workers on the production settings, DEBUG off), fills the database with
--cases cases (bench/mypages.py's SQL generator: events, ~5 % with a
message), makes an API client with a token and a webhook subscription to
the reference receiver (`python -m etjanst.simulators.casemanagement`, its
own process), then measures:

1. API reads with C concurrent keep-alive clients (--clients), each for
   --duration seconds after a warm-up, beside the trivial page /halsa/ in
   the same run: the first page of `GET /api/v1/eservices/<slug>/cases`
   (100 cases), a page from the middle of the table (a cursor), and
   `GET /api/v1/cases/<id>` of random cases (each read writes the
   resident's access log, as in production). req/s, p50, p95.
2. Webhook deliveries per second: --messages outbox rows (one per case, so
   no message waits for an earlier one of its case) sent by 2
   `manage.py deliver_webhooks --loop` processes to the reference receiver
   (it checks each signature with `standardwebhooks` and deduplicates by
   webhook-id); then a raw loop of the same number of signed POSTs from one
   process to the same receiver (httpx, keep-alive), for the ratio.

Appends a Markdown block to docs/benchmarks.md (unless --no-append).
Everything it starts is stopped in a finally block. Loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mypages as M  # the SQL case generator
import run as R  # the stack, helpers

HOST = R.HOST
log = R.log

SETUP = """
import json
from etjanst.eservices.models import EService
from etjanst.integrations import actions
client, token = actions.create_client(name="Bench", permissions=["read_cases", "deliveries"],
    eservices=[EService.objects.get(slug="{slug}")])
endpoint, secret = actions.add_endpoint(client=client, url="{hook}")
print(json.dumps({{"token": token, "secret": secret, "endpoint": endpoint.pk}}))
"""


DEFAULTS = {
    "boolean": "false",
    "integer": "0",
    "bigint": "0",
    "smallint": "0",
    "character varying": "''",
    "text": "''",
    "jsonb": "'{}'::jsonb",
    "timestamp with time zone": "now()",
    "date": "current_date",
    "uuid": "gen_random_uuid()",
}


def column_defaults(db, tables) -> list[str]:
    """mypages.py's SQL names the columns of its time; NOT NULL columns added
    since (with Python-side defaults only) get a database default in this
    throw-away database, so its INSERTs still work. Returns what it set."""
    done = []
    for table in tables:
        rows = db.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
            "AND column_name <> 'id'",
            (table,),
        ).fetchall()
        for column, kind in rows:
            if kind in DEFAULTS and not column.endswith("_id"):
                db.execute(
                    f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT {DEFAULTS[kind]}"
                )
                done.append(f"{table}.{column}")
    return done


def measure(port, path_for, clients, warmup, duration, headers) -> dict:
    """`clients` threads, each with one keep-alive connection, GET
    path_for(rng) in a loop; what completes inside the window counts."""
    started = time.perf_counter()
    window_from, window_to = started + warmup, started + warmup + duration
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()

    def loop(i: int) -> None:
        rng = random.Random(i)
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.perf_counter() < window_to and not R.STOP.is_set():
            t0 = time.perf_counter()
            try:
                conn.request("GET", path_for(rng), headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            t1 = time.perf_counter()
            if window_from <= t0 and t1 <= window_to:
                with lock:
                    if status == 200:
                        latencies.append(t1 - t0)
                    else:
                        errors[str(status)] = errors.get(str(status), 0) + 1
        conn.close()

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(warmup + duration + 60)
    if not latencies:
        raise RuntimeError(f"no request answered 200: {errors}")
    return {
        "rate": len(latencies) / duration,
        "p50": R.percentile(latencies, 0.5),
        "p95": R.percentile(latencies, 0.95),
        "done": len(latencies),
        "errors": errors,
    }


def outbox(db, endpoint: int, count: int) -> None:
    db.execute("DELETE FROM integrations_outboxmessage")
    db.execute(
        """
        INSERT INTO integrations_outboxmessage (endpoint_id, case_id, event_type, payload,
            created_at, state, attempts, next_attempt_at, last_error)
        SELECT %(endpoint)s, id, 'case.status_changed',
            jsonb_build_object('specversion', '1.0', 'id', 'evt_' || id,
                'source', 'https://e-tjanster.exempelby.se/api/v1/eservices/bench-synpunkt',
                'type', 'se.etjanst.case.status_changed', 'subject', id::text,
                'time', now(), 'datacontenttype', 'application/json',
                'data', jsonb_build_object('case_id', id, 'registration_number',
                    registration_number, 'status', 'handlaggs',
                    'links', jsonb_build_object('case',
                        'https://e-tjanster.exempelby.se/api/v1/cases/' || id))),
            now(), 'pending', 0, now() + interval '1 hour', ''
        FROM cases_case ORDER BY id LIMIT %(count)s
        """,  # the workers see them only when next_attempt_at is moved to now
        {"endpoint": endpoint, "count": count},
    )
    db.execute("VACUUM ANALYZE integrations_outboxmessage")


def deliveries(stack, db, endpoint: int, count: int, workers: int, limit: float) -> dict:
    outbox(db, endpoint, count)
    procs = [
        stack.popen(
            f"deliver{i}",
            [R.PY, "manage.py", "deliver_webhooks", "--loop", "--interval", "0.05"],
        )
        for i in range(workers)
    ]
    time.sleep(3)  # the processes start (Django setup) before the clock runs
    t0 = time.perf_counter()
    db.execute("UPDATE integrations_outboxmessage SET next_attempt_at = now()")
    delivered = 0
    while time.perf_counter() - t0 < limit:
        delivered = db.execute(
            "SELECT count(*) FROM integrations_outboxmessage WHERE state = 'delivered'"
        ).fetchone()[0]
        if delivered >= count:
            break
        time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    for proc in procs:
        stack.stop(proc)
    failed = db.execute(
        "SELECT count(*) FROM integrations_outboxmessage WHERE attempts > 1 OR last_status <> 204"
    ).fetchone()[0]
    return {
        "delivered": delivered,
        "seconds": elapsed,
        "rate": delivered / elapsed,
        "retried_or_not_204": failed,
    }


def raw_posts(url: str, secret: str, count: int) -> dict:
    """The same number of signed POSTs, one process, one keep-alive connection."""
    from datetime import UTC, datetime

    import httpx
    from standardwebhooks.webhooks import Webhook

    hook = Webhook(secret)
    ok = 0
    with httpx.Client(timeout=10) as http:
        t0 = time.perf_counter()
        for n in range(count):
            now = datetime.now(UTC)
            body = json.dumps(
                {
                    "specversion": "1.0",
                    "id": f"raw_{n}",
                    "type": "se.etjanst.case.status_changed",
                    "data": {"case_id": n, "registration_number": f"R {n}"},
                }
            )
            wid = f"raw_{n}"
            response = http.post(
                url,
                content=body.encode(),
                headers={
                    "content-type": "application/cloudevents+json",
                    "webhook-id": wid,
                    "webhook-timestamp": str(int(now.timestamp())),
                    "webhook-signature": hook.sign(wid, now, body),
                },
            )
            ok += response.status_code == 204
        elapsed = time.perf_counter() - t0
    return {"delivered": ok, "seconds": elapsed, "rate": ok / elapsed}


def report(info, args, cases, reads, hooks, raw) -> str:
    lines = [
        f"### API and webhooks (`bench/api.py`) — run of {info['date']}, commit {info['commit']}",
        "",
        f"{info['nproc']} × {info['cpu']}, Python {info['python']}; the machine is shared with "
        "other agents' jobs (load varied during the run). gunicorn 5 sync workers, production "
        f"settings, PostgreSQL 15 on the same box. **{cases:,} cases** in the database; "
        f"{args.clients} concurrent keep-alive clients, {args.duration:.0f} s windows after "
        f"{args.warmup:.0f} s warm-up.",
        "",
        "| request | req/s | p50 | p95 | errors |",
        "|---|---|---|---|---|",
    ]
    for name, r in reads.items():
        lines.append(
            f"| {name} | {r['rate']:.1f} | {R.ms(r['p50'])} | {R.ms(r['p95'])} | "
            f"{sum(r['errors'].values()) or 0} |"
        )
    lines += [
        "",
        "| webhook deliveries | delivered | seconds | per second |",
        "|---|---|---|---|",
        f"| outbox, 2 × `deliver_webhooks` → reference receiver | {hooks['delivered']:,} | "
        f"{hooks['seconds']:.1f} | **{hooks['rate']:.0f}** |",
        f"| raw signed POST loop (1 process) → the same receiver | {raw['delivered']:,} | "
        f"{raw['seconds']:.1f} | {raw['rate']:.0f} |",
        "",
        f"Outbox ÷ raw: **{hooks['rate'] / raw['rate']:.2f}**. Messages retried or not answered "
        f"204: {hooks['retried_or_not_204']}.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--grow-limit", type=float, default=3600)
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    args.workers, args.worker_class, args.threads = 5, "sync", 1
    tmp = Path(tempfile.mkdtemp(prefix="etjanst-bench-api."))
    os.chmod(tmp, 0o755)  # noqa: S103 (postgres must reach its folder inside)
    stack = R.Stack(tmp, args)
    try:
        stack.start()
        stack.env["ETJANST_API_RATE_LIMIT"] = "100000000"
        stack.env["ETJANST_WEBHOOK_ALLOWED_NETWORKS"] = f"{HOST}/32"
        stack.stop(stack.gunicorn)  # again, with the two settings above
        stack.gunicorn = stack.popen(
            "gunicorn",
            [
                str(R.VENV_BIN / "gunicorn"),
                "etjanst.config.wsgi",
                "--bind",
                f"{HOST}:{stack.web_port}",
                "--workers",
                "5",
                "--backlog",
                "2048",
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
        )
        stack.wait_until_ready()
        hook_port = R.free_port()
        hook = f"http://{HOST}:{hook_port}/hook"
        made = json.loads(
            stack.manage("shell", "-c", SETUP.format(slug=R.SLUG, hook=hook)).splitlines()[-1]
        )
        stack.popen(
            "receiver",
            [
                R.PY,
                "-m",
                "etjanst.simulators.casemanagement",
                "--port",
                str(hook_port),
                "--api",
                f"http://{HOST}:{stack.web_port}/api/v1",
                "--token",
                made["token"],
                "--secret",
                made["secret"],
            ],
        )
        R.wait_for_port(hook_port, 20)

        log(f"Making {args.cases:,} cases")
        data = M.Data(stack.env["DATABASE_URL"])
        log(
            "defaults for: "
            + ", ".join(
                column_defaults(
                    data.db, ["cases_case", "cases_caseevent", "cases_message", "people_resident"]
                )
            )
        )
        data.seed(args.cases, time.monotonic() + args.grow_limit)
        cases = data.scalar("SELECT count(*) FROM cases_case")
        ids = [r[0] for r in data.db.execute("SELECT id FROM cases_case ORDER BY id")]
        middle = ids[len(ids) // 2]
        cursor = json.loads(
            stack.manage(
                "shell",
                "-c",
                "import json; from etjanst.api import cursors; "
                "from etjanst.eservices.models import EService; "
                f"e = EService.objects.get(slug='{R.SLUG}'); "
                "print(json.dumps(cursors.make(kind='cases', eservice_id=e.pk, "
                f"last_id={middle})))",
            ).splitlines()[-1]
        )
        auth = {"Authorization": f"Bearer {made['token']}"}
        base = f"/api/v1/eservices/{R.SLUG}/cases"
        paths = {
            "`/halsa/` (trivial)": (lambda rng: "/halsa/", {}),
            "case list, first page (100)": (lambda rng: f"{base}?limit=100", auth),
            "case list, a page in the middle (cursor)": (
                lambda rng: f"{base}?limit=100&cursor={cursor}",
                auth,
            ),
            "one case `GET /cases/{id}`": (lambda rng: f"/api/v1/cases/{rng.choice(ids)}", auth),
        }
        reads = {}
        for name, (path_for, headers) in paths.items():
            log(f"Measuring {name}")
            reads[name] = measure(
                stack.web_port, path_for, args.clients, args.warmup, args.duration, headers
            )
            log(f"  {reads[name]['rate']:.1f} req/s, p95 {R.ms(reads[name]['p95'])}")
        log(f"Webhooks: {args.messages} messages, 2 workers")
        hooks = deliveries(stack, data.db, made["endpoint"], args.messages, 2, 600)
        log(f"  {hooks['rate']:.0f}/s")
        log("Raw POST loop")
        raw = raw_posts(hook, made["secret"], args.messages)
        log(f"  {raw['rate']:.0f}/s")
        data.close()
        block = report(R.machine(), args, cases, reads, hooks, raw)
        print(block)
        if not args.no_append:
            R.append_results(block)
        return 0
    finally:
        stack.close()
        if not args.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
