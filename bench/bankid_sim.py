#!/usr/bin/env python3
"""The BankID simulator for benchmark B4, in its own process, counting calls.

    python bench/bankid_sim.py --folder DIR --api-port P --app-port Q --stats FILE

Starts `etjanst.simulators.bankid.start()` with `start_failed_after` and
`expire_after` set high (orders stay pending/outstandingTransaction for the
whole run) and records every RP API call (wall-clock time, endpoint,
orderRef). On SIGTERM (or after --max-seconds) it writes them to FILE as
JSON and exits. Run by bench/bankid_poll.py; its own process so that its CPU
is measured apart from the platform's and the load generator's.

Three benchmark-only adjustments, none changing what the platform sees:
* TCP_NODELAY on the API connections (`disable_nagle_algorithm`): the
  simulator sends a response's head and body as two TLS records, and with
  Nagle's algorithm the body waits for the client's delayed ACK: every
  /collect took ~40 ms more on loopback. `--keep-nagle` leaves it as is.
* the simulator's `_purge` (which re-checks EVERY order on every call, under
  one lock: O(orders) per collect) runs at most once a second. Nothing
  finishes during the run, so it has nothing to purge; unthrottled it costs
  the simulator ~1,000 order checks per collect, CPU that real BankID does
  not take from our machine.
* `--collect-delay S` adds S seconds before each /collect answer (default 0)
  to imitate the round trip to BankID over the internet.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from pathlib import Path

from etjanst.simulators.bankid import server as sim_server
from etjanst.simulators.bankid import start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--api-port", type=int, required=True)
    parser.add_argument("--app-port", type=int, required=True)
    parser.add_argument("--stats", type=Path, required=True)
    parser.add_argument("--pending-for", type=float, default=3600, help="s an order stays pending")
    parser.add_argument("--collect-delay", type=float, default=0.0)
    parser.add_argument("--keep-nagle", action="store_true", help="as the simulator is (slow)")
    parser.add_argument("--max-seconds", type=float, default=3600, help="exit after this long")
    args = parser.parse_args()

    # The simulator's API handler writes the response head and body in two
    # TLS records; with Nagle on, the body waits for the client's delayed
    # ACK (~40 ms per call on Linux loopback). Real BankID does not add
    # 40 ms per collect; measured both ways, see docs/benchmarks.md (B4).
    sim_server._ApiHandler.disable_nagle_algorithm = not args.keep_nagle
    sim = start(
        args.folder,
        api_port=args.api_port,
        app_port=args.app_port,
        start_failed_after=args.pending_for,
        expire_after=args.pending_for,
    )
    events: list[tuple[float, str, str]] = []  # list.append is atomic under the GIL
    real_call = sim.api_call
    delay = max(0.0, min(args.collect_delay, 5.0))

    def counting_call(endpoint, body):
        events.append((time.time(), endpoint, str(body.get("orderRef", ""))))
        if delay and endpoint == "collect":
            time.sleep(delay)
        return real_call(endpoint, body)

    sim.api_call = counting_call  # the handler calls simulator.api_call(...)

    real_purge = sim._purge
    last_purge = [0.0]

    def throttled_purge(now: float) -> None:
        if now - last_purge[0] >= 1.0:
            last_purge[0] = now
            real_purge(now)

    sim._purge = throttled_purge

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    print(f"BankID simulator (bench): {sim.api_url}", flush=True)
    done.wait(max(1.0, min(args.max_seconds, 7200)))
    snapshot = list(events)
    args.stats.write_text(json.dumps({"events": snapshot, "orders": len(sim.orders)}))
    sim.stop()
    sys.exit(0)


if __name__ == "__main__":
    main()
