"""Task workers recycled after a number of tasks or above a memory size, the
bound mature task queues put on long-lived workers (Celery's
`worker_max_tasks_per_child` and `worker_max_memory_per_child`, gunicorn's
`max_requests`): memory a C library keeps (fontconfig, Pango, fragmentation
of the C heap) is given back only when the process ends.

`db_worker` then runs as a small supervisor that forks the worker process
and forks a new one when it ends. A worker that reaches a limit finishes its
current task, stops its heartbeat (`workers.stopped`) and exits: nothing is
left RUNNING, so nothing is stranded. A worker that dies (an OOM kill, a
crash) is replaced too, under a new worker id, so that the task it had
taken is seen as stranded and run again (`workers.rescue_stranded`). The
supervisor passes SIGTERM/SIGINT on to the worker and ends with it; killed
itself (kill -9), it takes the worker with it (PR_SET_PDEATHSIG on Linux),
as a single worker process would die.

A fork rather than a new interpreter: the new worker starts in
milliseconds with Django and the apps already imported (as gunicorn's
workers do), and the parent never opens a database connection of its own
after the fork, nor any thread before it."""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connections

logger = logging.getLogger("etjanst.jobs")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
QUICK_DEATH = 10.0  # seconds: a worker that dies sooner is restarted after a pause


def rss_mb() -> float:
    """This process's resident set size in MB (0 where /proc is missing)."""
    with contextlib.suppress(OSError, StopIteration, ValueError, IndexError):
        status = Path("/proc/self/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024
    return 0.0


def generation_id(worker_id: str, generation: int) -> str:
    """The worker id of the n-th worker process under one supervisor: the
    first keeps the id it was given, later ones add `-n` (ids are at most
    64 characters)."""
    if generation <= 1:
        return worker_id
    suffix = f"-{generation}"
    return worker_id[: 64 - len(suffix)] + suffix


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies; elsewhere a
    killed supervisor leaves its worker running until it stops."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the prctl
        os._exit(1)


def _run_child(run: Callable[[int], None], generation: int, parent: int) -> int:
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)
    _die_with_parent(parent)
    code = 0
    try:
        run(generation)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        logger.exception("Task worker process ended with an error")
        code = 1
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    return code


def supervise(run: Callable[[int], None]) -> int:
    """Run `run(generation)` in a forked worker process, again in a new one
    each time it ends, until this process is told to stop (SIGTERM, SIGINT,
    SIGQUIT: passed on to the worker, which finishes its task). Returns the
    last worker's exit code."""
    parent = os.getpid()
    state = {"stopping": False, "child": 0}

    def forward(signum, _frame) -> None:
        state["stopping"] = True
        if state["child"]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(state["child"], signum)

    for signum in STOP_SIGNALS:
        signal.signal(signum, forward)
    generation, code = 0, 0
    while not state["stopping"]:
        generation += 1
        connections.close_all()  # never share a database connection with a child
        started = time.monotonic()
        child = os.fork()
        if child == 0:
            os._exit(_run_child(run, generation, parent))
        state["child"] = child
        if state["stopping"]:  # a signal came between the fork and the line above
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)
        _, status = os.waitpid(child, 0)
        state["child"] = 0
        code = os.waitstatus_to_exitcode(status)
        if state["stopping"]:
            break
        if code == 0:
            logger.info("Task worker process %d recycled: starting a new one", child)
        else:
            logger.error("Task worker process %d ended (exit %d): starting a new one", child, code)
            if time.monotonic() - started < QUICK_DEATH:
                time.sleep(QUICK_DEATH / 2)  # do not spin on a worker that cannot start
    return code
