"""The platform as deployed: two web processes (gunicorn) and two task
workers on one PostgreSQL, behind a small round-robin proxy; then a worker
killed mid-e-mail and the mail server down and back. Slow (a minute or
two): `make faults`, not `make test`."""

import asyncio
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from etjanst.cases.models import Case
from etjanst.simulators.mailbox import free_port
from tests.eservices.factories import EServiceFactory
from tests.jobs.conftest import ROOT, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_faults]

FORM = {
    "steps": [
        {
            "id": "s",
            "title": "Uppgifter",
            "questions": [
                {"id": "kontakt", "type": "contact", "label": "Kontakt", "required": True},
            ],
        }
    ]
}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_RE = re.compile(r'name="submission_key" value="([^"]+)"')


class RoundRobinProxy:
    """A TCP load balancer: each new connection to the next web process."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.turn = itertools.cycle(range(len(backends)))
        self.served = [0] * len(backends)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()
        self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self._handle, "127.0.0.1", self.port)
        )
        self.server = server
        self.ready.set()
        self.loop.run_forever()

    async def _handle(self, reader, writer) -> None:
        index = next(self.turn)
        self.served[index] += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.backends[index])
        except OSError:
            writer.close()
            return

        async def pipe(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def fleet(workers, mailbox, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the fleet runs on PostgreSQL (scripts/test.sh starts one)")
    ports = [free_port(), free_port()]
    webs = []
    for number, port in enumerate(ports):
        log = open(tmp_path / f"web-{number}.log", "ab")  # noqa: SIM115
        webs.append(
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "gunicorn", "etjanst.config.wsgi"),
                    *("--bind", f"127.0.0.1:{port}", "--workers", "2"),
                ],
                cwd=ROOT,
                env=workers.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        log.close()
    for port in ports:
        wait_until(lambda port=port: _answers(port), timeout=60, what="a web process")
    workers.start("fleet-worker-1")
    workers.start("fleet-worker-2")
    proxy = RoundRobinProxy(ports)
    proxy.webs = webs  # the soak samples their processes
    yield proxy
    proxy.close()
    for web in webs:
        web.send_signal(signal.SIGTERM)
        web.wait(15)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/halsa/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def send_through(proxy: RoundRobinProxy, eservice, email: str) -> str:
    """A resident fills in and sends the e-service through the proxy, each
    request on a new connection (so to the other web process each time)."""
    base = f"http://127.0.0.1:{proxy.port}"
    with httpx.Client(base_url=base, headers={"Connection": "close"}, timeout=30) as browser:
        intro = browser.get(f"/e-tjanster/{eservice.slug}/").text
        token = CSRF_RE.search(intro).group(1)
        started = browser.post(
            f"/e-tjanster/{eservice.slug}/starta/",
            data={"csrfmiddlewaretoken": token, "anonymous": "no"},
            headers={"Referer": base + "/"},
        )
        assert started.status_code == 302, started.text[:500]
        browser.post(
            f"/e-tjanster/{eservice.slug}/steg/1/",
            data={
                "csrfmiddlewaretoken": token,
                "q_kontakt__name": "Testa Testsson",
                "q_kontakt__email": email,
                "shown": "kontakt",
            },
            headers={"Referer": base + "/"},
        )
        review = browser.get(f"/e-tjanster/{eservice.slug}/granska/").text
        key = KEY_RE.search(review).group(1)
        sent = browser.post(
            f"/e-tjanster/{eservice.slug}/granska/",
            data={"csrfmiddlewaretoken": token, "submission_key": key},
            headers={"Referer": base + "/"},
        )
        assert sent.status_code == 302, sent.text[:500]
        receipt = browser.get(sent.headers["Location"])
        assert "Ditt ärende är nu inskickat" in receipt.text
        return receipt.text


def test_two_web_processes_two_workers_one_database(fleet, mailbox):
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    for number in range(6):
        send_through(fleet, eservice, f"person{number}@example.se")
    assert min(fleet.served) >= 10  # both web processes served every resident
    assert Case.objects.count() == 6
    wait_until(lambda: len(mailbox.messages) >= 6, what="six confirmations")
    time.sleep(2)
    assert sorted(m["To"] for m in mailbox.messages) == [f"person{n}@example.se" for n in range(6)]
    # No task was run twice (each was claimed by one worker, once).
    wait_until(lambda: not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists())
    assert {len(ids) for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)} == {1}


def test_the_mail_server_down_for_a_while_slows_no_submission_and_loses_no_mail(
    fleet, mailbox, settings
):
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    mailbox.hold()  # the relay stalls: every send waits, then is refused
    started = time.monotonic()
    for number in range(3):
        send_through(fleet, eservice, f"person{number}@example.se")
    assert time.monotonic() - started < 20  # submitting never waited for the mail
    wait_until(
        lambda: (
            DBTaskResult.objects.filter(
                task_path__endswith="send_confirmation_email", args_kwargs__kwargs__attempt=2
            ).count()
            == 3
        ),
        timeout=120,
        what="three retries queued",
    )
    mailbox.release()  # back: the retries (due in a minute) are made due now
    DBTaskResult.objects.filter(
        status="READY", task_path__endswith="send_confirmation_email"
    ).update(run_after=timezone.now())
    wait_until(lambda: len(mailbox.messages) == 3, timeout=60, what="three confirmations")
    time.sleep(2)
    assert len(mailbox.messages) == 3


def test_a_worker_killed_mid_email_in_the_fleet_loses_nothing(fleet, mailbox, workers):
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    mailbox.hold()
    send_through(fleet, eservice, "person@example.se")
    assert mailbox.data_waiting.wait(60)
    task = wait_until(
        lambda: DBTaskResult.objects.filter(
            task_path__endswith="send_confirmation_email", status="RUNNING"
        ).first(),
        what="the e-mail task running",
    )
    victim = next(p for p in workers.procs if task.worker_ids[-1] in " ".join(p.args))
    os.kill(victim.pid, signal.SIGKILL)
    mailbox.release()
    wait_until(lambda: len(mailbox.messages) == 1, timeout=90, what="the confirmation")
    time.sleep(2)
    assert len(mailbox.messages) == 1
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
