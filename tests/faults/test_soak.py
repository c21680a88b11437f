"""The soak: a steady load for SOAK_MINUTES (30 by `make soak`) against the
fleet of the fault suite — two web processes (gunicorn, 2 workers each)
and two task workers on one PostgreSQL behind the round-robin proxy, plus
the BankID collector and the BankID simulator. Residents log in with
BankID (the waiting page, its polls every 2 s as bankid.js does, until the
order completes), open Mina sidor, fill in and send an e-service (Skicka),
read the receipt and Mina ärenden. Every 10 s the resident set size of
every process is sampled; every minute the p95 of the requests made.
Writes a report (SOAK_REPORT, default var/soak-report.md) and fails on any
error. Never in CI: skipped unless SOAK_MINUTES is set."""

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import httpx
import pytest

from etjanst.cases.models import Case
from tests.eservices.factories import EServiceFactory
from tests.faults.test_fleet import CSRF_RE, FORM, KEY_RE, fleet  # noqa: F401 (the fixture)
from tests.jobs.conftest import ROOT, wait_until

pytestmark = pytest.mark.soak
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")

MINUTES = float(os.environ.get("SOAK_MINUTES", 0))
RESIDENTS = int(os.environ.get("SOAK_RESIDENTS", 6))  # concurrent residents
THINK = float(os.environ.get("SOAK_THINK_SECONDS", 1.0))  # between two pages
PERSONNUMMER = "198105082393"  # Skatteverket's test number
STATUS_URL_RE = re.compile(r'data-status-url="([^"]+)"')


@pytest.fixture
def soak_env(monkeypatch, bankid_simulator):
    if not MINUTES:
        pytest.skip("the soak runs only with SOAK_MINUTES set (make soak)")
    settings = bankid_simulator.client_settings(timeout=5.0)
    for name, value in {
        "BANKID_BASE_URL": settings["BASE_URL"],
        "BANKID_CLIENT_CERT": settings["CLIENT_CERT"],
        "BANKID_CLIENT_KEY": settings["CLIENT_KEY"],
        "BANKID_CA_CERT": settings["CA_CERT"],
        "ETJANST_EID_METHODS": "bankid",
        "ETJANST_BANKID_STARTS_PER_MINUTE": "1000000",  # every resident is 127.0.0.1
        "ETJANST_RATE_SUBMISSIONS_PER_CLIENT": "",
        "ETJANST_RATE_SUBMISSIONS_PER_ESERVICE": "",
    }.items():
        monkeypatch.setenv(name, value)
    # Every order: pending for two collects, then approved (about 4-6 s at
    # the collector's pace of one collect per order every 2 s).
    bankid_simulator.script(PERSONNUMMER, after_polls=2, name="Anna Testsson", repeat=10**7)
    yield bankid_simulator
    bankid_simulator.scripts.clear()


class Record:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: list[tuple[float, str, float, int]] = []  # t, kind, seconds, status
        self.errors: list[str] = []
        self.flows = 0
        self.logins = 0

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.samples.append((time.monotonic(), kind, seconds, status))


class Resident(threading.Thread):
    def __init__(self, base: str, eservice, record: Record, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.base, self.eservice, self.record, self.stop = base, eservice, record, stop

    def call(self, browser, kind: str, method: str, url: str, **kwargs) -> httpx.Response:
        started = time.monotonic()
        response = browser.request(method, url, **kwargs)
        self.record.add(kind, time.monotonic() - started, response.status_code)
        if response.status_code >= 400:
            raise AssertionError(f"{method} {url}: {response.status_code}")
        return response

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.one_visit()
            except Exception as exc:  # counted, reported; the resident goes on
                with self.record.lock:
                    self.record.errors.append(f"{time.strftime('%H:%M:%S')} {exc!r}"[:300])
                time.sleep(1)

    def one_visit(self) -> None:
        slug = self.eservice.slug
        referer = {"Referer": self.base + "/"}
        # Connection: close: each request is a new connection, so the proxy
        # sends it to the other web process (the session must work on both).
        with httpx.Client(
            base_url=self.base, headers={"Connection": "close"}, timeout=60
        ) as browser:
            page = self.call(browser, "page", "GET", "/logga-in/bankid/?next=/mina-sidor/")
            token = CSRF_RE.search(page.text).group(1)
            self.call(
                browser,
                "page",
                "POST",
                "/logga-in/bankid/starta/",
                data={"csrfmiddlewaretoken": token, "device": "other", "next": "/mina-sidor/"},
                headers=referer,
            )
            wait = self.call(browser, "page", "GET", "/logga-in/bankid/vantar/")
            status_url = STATUS_URL_RE.search(wait.text).group(1).replace("&amp;", "&")
            for _ in range(30):
                time.sleep(2)  # bankid.js: 2 s after each answer
                state = self.call(browser, "poll", "GET", status_url).json()
                if state["status"] != "pending":
                    break
            assert state["status"] == "complete", state
            mine = self.call(browser, "page", "GET", state["next"] or "/", follow_redirects=True)
            assert "Anna" in mine.text, "not logged in"
            with self.record.lock:
                self.record.logins += 1
            self.call(browser, "page", "GET", "/mina-sidor/")
            time.sleep(THINK)
            intro = self.call(browser, "page", "GET", f"/e-tjanster/{slug}/")
            token = CSRF_RE.search(intro.text).group(1)
            self.call(
                browser,
                "page",
                "POST",
                f"/e-tjanster/{slug}/starta/",
                data={"csrfmiddlewaretoken": token, "anonymous": "no"},
                headers=referer,
            )
            time.sleep(THINK)
            self.call(
                browser,
                "page",
                "POST",
                f"/e-tjanster/{slug}/steg/1/",
                data={
                    "csrfmiddlewaretoken": token,
                    "q_kontakt__name": "Anna Testsson",
                    "q_kontakt__email": "anna@example.se",
                    "shown": "kontakt",
                },
                headers=referer,
            )
            review = self.call(browser, "page", "GET", f"/e-tjanster/{slug}/granska/")
            time.sleep(THINK)
            sent = self.call(
                browser,
                "skicka",
                "POST",
                f"/e-tjanster/{slug}/granska/",
                data={
                    "csrfmiddlewaretoken": token,
                    "submission_key": KEY_RE.search(review.text)[1],
                },
                headers=referer,
            )
            assert sent.status_code == 302, sent.status_code
            receipt = self.call(browser, "page", "GET", sent.headers["Location"])
            assert "Ditt ärende är nu inskickat" in receipt.text
            with self.record.lock:
                self.record.flows += 1
            time.sleep(THINK)
            self.call(browser, "page", "GET", "/mina-sidor/arenden/")
            logout = self.call(browser, "page", "GET", "/mina-sidor/")  # a last look
            token = CSRF_RE.search(logout.text)
            if token:
                self.call(
                    browser,
                    "page",
                    "POST",
                    "/logga-ut/",
                    data={"csrfmiddlewaretoken": token.group(1)},
                    headers=referer,
                )


def _processes(roots: dict[str, int]) -> dict[str, int]:
    """name → pid of every process of the fleet (gunicorn masters and their
    workers), read from /proc."""
    children = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children[ppid].append(int(entry.name))
    found = {}
    for name, pid in roots.items():
        found[name] = pid
        for number, child in enumerate(sorted(children.get(pid, []))):
            found[f"{name}.w{number + 1}"] = child
    return found


def _rss_and_cpu(pid: int) -> tuple[float, float] | None:
    try:
        rss = next(
            int(line.split()[1]) / 1024
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("VmRSS:")
        )
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, StopIteration, IndexError, ValueError):
        return None
    return rss, cpu


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=20)[18]


def test_the_report_p95_is_the_95th_percentile():
    assert _p95([float(n) for n in range(1, 101)]) == pytest.approx(95.95)
    assert (_p95([]), _p95([7.0])) == (0.0, 7.0)


@pytest.mark.skipif(not ON_POSTGRESQL, reason="the soak runs on PostgreSQL (make soak starts one)")
@pytest.mark.django_db(transaction=True)
def test_soak(soak_env, fleet, workers, mailbox, tmp_path):  # noqa: F811 (the fixture)
    log = open(tmp_path / "collector.log", "ab")  # noqa: SIM115
    collector = subprocess.Popen(
        [sys.executable, "manage.py", "collect_bankid"],
        cwd=ROOT,
        env=workers.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    eservice = EServiceFactory(form=FORM, committee__prefix="SN")
    base = f"http://127.0.0.1:{fleet.port}"
    record, stop = Record(), threading.Event()
    roots = {f"web-{n + 1}": web.pid for n, web in enumerate(fleet.webs)}
    roots |= {f"worker-{n + 1}": proc.pid for n, proc in enumerate(workers.procs[:2])}
    roots["collector"] = collector.pid
    residents = [Resident(base, eservice, record, stop) for _ in range(RESIDENTS)]
    started = time.monotonic()
    for number, resident in enumerate(residents):
        resident.start()
        time.sleep(2 / RESIDENTS * (number + 1) / RESIDENTS)
    memory: list[tuple[float, dict[str, float]]] = []
    cpu_start = {name: _rss_and_cpu(pid) for name, pid in _processes(roots).items()}
    end = started + MINUTES * 60
    try:
        while time.monotonic() < end:
            sample = {}
            for name, pid in _processes(roots).items():
                measured = _rss_and_cpu(pid)
                if measured:
                    sample[name] = measured[0]
            memory.append((time.monotonic() - started, sample))
            time.sleep(min(10, max(0, end - time.monotonic())))
    finally:
        stop.set()
        for resident in residents:
            resident.join(90)
    cpu_end = {name: _rss_and_cpu(pid) for name, pid in _processes(roots).items()}
    collector.terminate()
    collector.wait(15)
    # On a busy machine the workers may still be draining: wait for them,
    # but write the report (memory, p95) whatever happens.
    drained = None
    try:
        wait_until(
            lambda: len(mailbox.messages) >= record.flows,
            timeout=float(os.environ.get("SOAK_DRAIN_SECONDS", 600)),
            what="every e-mail",
        )
    except AssertionError as timeout:
        drained = timeout
    report = _report(record, memory, cpu_start, cpu_end, started, mailbox)
    path = Path(os.environ.get("SOAK_REPORT", ROOT / "var" / "soak-report.md"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report)
    print(report)
    if drained:
        raise drained
    assert Case.objects.count() == record.flows
    assert not record.errors, record.errors[:10]
    assert not [s for s in record.samples if s[3] >= 500]


def _report(record, memory, cpu_start, cpu_end, started, mailbox) -> str:
    minutes = defaultdict(lambda: defaultdict(list))
    for at, kind, seconds, _status in record.samples:
        if at > started + MINUTES * 60:
            continue  # the last visits finishing after the load stopped
        minutes[int((at - started) // 60)][kind].append(seconds * 1000)
        minutes[int((at - started) // 60)]["all"].append(seconds * 1000)
    lines = [
        f"Soak of {MINUTES:g} min, {RESIDENTS} residents, think time {THINK:g} s; "
        f"`nproc` = {os.cpu_count()}, load average at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}.",
        "",
        f"- BankID logins completed: {record.logins}; forms sent (Skicka): {record.flows}; "
        f"e-mails received: {len(mailbox.messages)}; requests: {len(record.samples)}; "
        f"errors: {len(record.errors)} (HTTP ≥ 500: "
        f"{sum(1 for s in record.samples if s[3] >= 500)})",
        "",
        "| minute | requests | req/s | p95 all | p95 poll | p95 Skicka | p95 other pages |",
        "|---|---|---|---|---|---|---|",
    ]
    for minute in sorted(minutes):
        kinds = minutes[minute]
        lines.append(
            f"| {minute + 1} | {len(kinds['all'])} | {len(kinds['all']) / 60:.1f} | "
            f"{_p95(kinds['all']):.0f} ms | {_p95(kinds['poll']):.0f} ms | "
            f"{_p95(kinds['skicka']):.0f} ms | {_p95(kinds['page']):.0f} ms |"
        )
    names = sorted({name for _t, sample in memory for name in sample})
    lines += ["", "Resident set size (MB), every process, over time:", ""]
    lines.append("| t | " + " | ".join(names) + " |")
    lines.append("|---|" + "---|" * len(names))
    step = max(1, len(memory) // 15)
    for at, sample in memory[::step] + ([memory[-1]] if memory else []):
        lines.append(
            f"| {at / 60:.1f} min | "
            + " | ".join(f"{sample[n]:.0f}" if n in sample else "–" for n in names)
            + " |"
        )
    web_cpu = sum(
        cpu_end[n][1] - cpu_start[n][1]
        for n in cpu_end
        if n.startswith("web") and cpu_end.get(n) and cpu_start.get(n)
    )
    polls = sum(1 for s in record.samples if s[1] == "poll")
    lines += [
        "",
        f"Web CPU (both gunicorns, all their workers) during the load: {web_cpu:.1f} s "
        f"for {len(record.samples)} requests ({polls} polls, {record.flows} Skicka): "
        f"{web_cpu * 1000 / max(1, len(record.samples)):.1f} ms per request on average.",
    ]
    if record.errors:
        lines += ["", "First errors:", ""] + [f"- {e}" for e in record.errors[:10]]
    return "\n".join(lines) + "\n"
