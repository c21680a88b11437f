#!/usr/bin/env python3
"""The in-process half of benchmark B3 (bench/mypages.py), run by it against
its throw-away stack: the environment carries DJANGO_SETTINGS_MODULE
(production), DATABASE_URL and SECRET_KEY, exactly as gunicorn has them.

    sessions --personnummer P --count N
        Log the person in N times without BankID: a session row written with
        the keys etjanst.eid.session.login writes (PERSON_KEY, ACTIVITY_KEY).
        Prints the session keys (JSON list).
    queries --personnummer P --case ID [--explain] [--timed N]
        GET the list (first page and ?sida=10) and the case page with Django's
        test client through the whole middleware stack, once to warm up and
        once under CaptureQueriesContext. Prints JSON: per page the number of
        queries and their SQL; with --explain also EXPLAIN (ANALYZE, BUFFERS)
        of every query that reads cases_case; with --timed N the time of N more
        requests of each page (the pages in turn).
"""

import argparse
import json
import os
import sys
import time

PAGES = {
    "list": "/mina-sidor/arenden/",
    "list ?sida=10": "/mina-sidor/arenden/?sida=10",
    "case": "/mina-sidor/arenden/{case}/",
}


def new_sessions(personnummer: str, count: int) -> list[str]:
    from importlib import import_module

    from django.conf import settings

    from etjanst.eid.person import Person
    from etjanst.eid.session import ACTIVITY_KEY, PERSON_KEY
    from etjanst.people.models import Resident

    resident = Resident.objects.get(personnummer=personnummer)
    person = Person(
        personnummer=personnummer,
        given_name=resident.given_name,
        surname=resident.surname,
        method="bankid",
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for _ in range(count):
        session = store()
        session[PERSON_KEY] = person.as_session()
        session[ACTIVITY_KEY] = time.time()
        session.save()
        keys.append(session.session_key)
    return keys


def count_queries(personnummer: str, case_id: int, explain: bool, timed: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(
        HTTP_HOST="127.0.0.1",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_ACCEPT_LANGUAGE="sv-SE,sv;q=0.9",
    )
    client.cookies[settings.SESSION_COOKIE_NAME] = new_sessions(personnummer, 1)[0]
    result = {}
    for name, path in PAGES.items():
        path = path.format(case=case_id)
        warm = client.get(path)
        if warm.status_code != 200:
            raise SystemExit(f"GET {path} -> {warm.status_code}")
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"GET {path} -> {response.status_code}")
        queries = [q["sql"] for q in captured.captured_queries]
        page = {
            "path": path,
            "queries": len(queries),
            "sql": queries,
            "ms": elapsed * 1000,
            "sql_ms": sum(float(q["time"]) for q in captured.captured_queries) * 1000,
        }
        if explain:
            page["plans"] = []
            with connection.cursor() as cursor:
                for sql in queries:
                    if not sql.lstrip().upper().startswith("SELECT") or "cases_case" not in sql:
                        continue
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    plan = [row[0] for row in cursor.fetchall()]
                    page["plans"].append({"sql": sql, "plan": plan})
        result[name] = page
    # Then `timed` more requests of each page, in turn: the time of a request
    # in Django alone (no gunicorn, no network, no queueing behind others).
    times = {name: [] for name in PAGES}
    for _ in range(timed):
        for name, path in PAGES.items():
            started = time.perf_counter()
            response = client.get(path.format(case=case_id))
            times[name].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} -> {response.status_code}")
    for name in PAGES:
        result[name]["times_ms"] = times[name]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sessions")
    s.add_argument("--personnummer", required=True)
    s.add_argument("--count", type=int, default=1)
    q = sub.add_parser("queries")
    q.add_argument("--personnummer", required=True)
    q.add_argument("--case", type=int, required=True)
    q.add_argument("--explain", action="store_true")
    q.add_argument("--timed", type=int, default=0, help="then time N requests of each page")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etjanst.config.settings.production")
    import django

    django.setup()
    if args.command == "sessions":
        out = new_sessions(args.personnummer, min(max(args.count, 1), 256))
    else:
        out = count_queries(
            args.personnummer, args.case, args.explain, min(max(args.timed, 0), 1000)
        )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
