"""manage.py collect_bankid: collect pending BankID orders at BankID's pace.

Run one (or two, for redundancy) next to the web processes. Each pending
order is collected about every 2 s, a few at a time over kept-alive
connections; the browsers' polls only read the result (eid/bankid_orders.py).
If no collector runs, polls collect their own orders when overdue
(ETJANST_BANKID_POLL_COLLECTS_AFTER): slower, never stuck.
"""

import logging
import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from etjanst.eid import bankid_login, bankid_orders

logger = logging.getLogger(__name__)

PRUNE_EVERY = 30.0  # seconds


class Command(BaseCommand):
    help = "Collect pending BankID orders about every 2 seconds each (run next to the web)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--threads", type=int, default=16, help="collect calls in flight at once"
        )
        parser.add_argument("--batch", type=int, default=500, help="orders leased at a time")
        parser.add_argument("--idle", type=float, default=0.2, help="s to wait when none is due")
        parser.add_argument("--once", action="store_true", help="collect what is due, then stop")

    def handle(self, *args, threads, batch, idle, once, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        client = None
        while client is None and not stopping:
            try:
                client = bankid_login.client()
            except bankid_login.BankIDUnavailable:
                # Certificates not (yet) in place, e.g. the BankID simulator
                # still making them at the demo's start: logged once by
                # client(); wait instead of dying, polls collect meanwhile.
                if once:
                    return
                time.sleep(2.0)
        if client is None:
            return
        pruned_at = beat_at = 0.0
        collector_id = f"bankid:{socket.gethostname()}:{os.getpid()}"[:64]
        logger.info("BankID collector started")
        with ThreadPoolExecutor(max(1, threads), thread_name_prefix="collect") as pool:
            while not stopping:
                try:
                    if not once and time.monotonic() - beat_at >= settings.ETJANST_WORKER_HEARTBEAT:
                        # Polls read only while this beats (bankid_login._fresh).
                        bankid_orders.collector_beat(collector_id)
                        beat_at = time.monotonic()
                    count = bankid_orders.collect_due(
                        client,
                        interval=bankid_login.COLLECT_INTERVAL,
                        lease=bankid_login.collect_lease(),
                        limit=batch,
                        pool=pool,
                    )
                    if time.monotonic() - pruned_at > PRUNE_EVERY:
                        bankid_orders.prune()
                        pruned_at = time.monotonic()
                except DatabaseError as error:
                    # The database restarts or fails over: wait, reconnect, go on.
                    logger.error("BankID collector: database unavailable (%s)", error)
                    close_old_connections()
                    time.sleep(1.0)
                    count = 0
                if once:
                    break
                if count == 0:
                    time.sleep(idle)
        if not once:
            bankid_orders.collector_stopped(collector_id)
        logger.info("BankID collector stopped")
