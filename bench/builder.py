#!/usr/bin/env python3
"""Benchmark of the e-service builder's heaviest pages: an e-service with 20
steps and 200 questions (every other question shown on the answer "Ja" to
the one before, each with a help text), in process, on a throw-away SQLite
database (DEBUG off).

Measures the check before publishing (`eservices.lint.lint`) alone, and the
server time of the builder's pages through Django's whole middleware stack
(test client, logged in as an e-service administrator): the overview with
all steps and questions, the check page, a question's edit page (its
condition list offers every earlier question), the version diff, and one
edit (a POST that moves a question: lock, copy, save, log).

    .venv/bin/python bench/builder.py            # prints, and appends to docs/benchmarks.md
    .venv/bin/python bench/builder.py --no-append
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "etjanst.config.settings.dev"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def big_form(steps: int, per_step: int) -> dict:
    form = {"steps": []}
    for s in range(steps):
        questions = []
        for q in range(per_step):
            qid = f"s{s}_q{q}"
            if q % 2 == 0:
                questions.append(
                    {
                        "id": qid,
                        "type": "yes_no",
                        "label": f"Gäller fråga {q} i steg {s} dig?",
                        "help_text": "Svara ja om det stämmer för dig i dag. Du kan ändra svaret.",
                    }
                )
            else:
                questions.append(
                    {
                        "id": qid,
                        "type": "long_text",
                        "label": f"Berätta mer om fråga {q - 1} i steg {s}",
                        "help_text": "Skriv kort. Vi hör av oss om vi behöver veta mer.",
                        "visible_if": {"question": f"s{s}_q{q - 1}", "equals": "yes"},
                    }
                )
        form["steps"].append({"id": f"steg_{s}", "title": f"Steg {s}", "questions": questions})
    form["steps"][0]["questions"].append({"id": "epost", "type": "email", "label": "E-post"})
    return form


def timed(fn, repeats: int) -> list[float]:
    fn()  # warm up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--per-step", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--no-append", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(Path(folder))
        results, questions = run(args)
    report = format_report(args, results, questions)
    print(report)
    if not args.no_append:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as out:
            out.write("\n" + report)


def run(args) -> tuple[dict, int]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from etjanst.eservices import actions, builder, formedit
    from etjanst.eservices.lint import lint
    from etjanst.eservices.models import Category, EService
    from etjanst.organisation.models import Committee, RetentionRule
    from etjanst.people.models import Role, StaffAccess

    committee = Committee.objects.create(prefix="BEN", name="Benchmarknämnden")
    rule = RetentionRule.objects.create(
        name="Ärenden", committee=committee, decision_reference="B 1", clock="closed",
        period_months=24,
    )  # fmt: skip
    eservice = EService.objects.create(
        slug="stor", name="Stor e-tjänst", category=Category.objects.create(name="K", slug="k"),
        committee=committee, short_description="En stor e-tjänst.", intro_text="Om den.",
        pd_purpose="Ändamål.", pd_legal_basis="Grund.", retention_rule=rule,
    )  # fmt: skip
    form = big_form(args.steps, args.per_step)
    actions.add_version(eservice=eservice, form=form, publish=True)
    changed = builder.working_form(eservice)[0]
    user = get_user_model().objects.create_user(username="forvaltare", password="x" * 20)
    StaffAccess.objects.create(user=user, role=Role.ESERVICE_MANAGER, committee=committee)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    # A draft with one change, so the diff has something to show.
    builder.edit_draft(
        eservice=eservice,
        actor=user,
        token=builder.working_form(eservice)[1],
        change=lambda f: formedit.move_question(f, "s19_q9", -1),
    )
    questions = sum(len(s["questions"]) for s in changed["steps"])

    def page(url):
        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return get

    def move():
        token = builder.working_form(eservice)[1]
        response = client.post(
            reverse("staff:builder_change", args=[eservice.pk]),
            {"action": "question_down", "target": "s10_q4", "token": token},
        )
        assert response.status_code == 302 and "fokus=q-s10_q4" in response["Location"]

    draft_form = builder.working_form(eservice)[0]
    results = {
        "lint (the check alone, 200 questions)": timed(lambda: lint(eservice, draft_form), 200),
        "overview page (all steps and questions)": timed(
            page(reverse("staff:builder_eservice", args=[eservice.pk])), args.repeats
        ),
        "check page": timed(page(reverse("staff:builder_check", args=[eservice.pk])), args.repeats),
        "edit page of the last question": timed(
            page(reverse("staff:builder_question", args=[eservice.pk, "s19_q9"])), args.repeats
        ),
        "version diff page (1 → 2)": timed(
            page(reverse("staff:builder_versions", args=[eservice.pk]) + "?fran=1&till=2"),
            args.repeats,
        ),
        "one edit (POST: move a question)": timed(move, args.repeats),
    }
    return results, questions


def format_report(args, results: dict, questions: int) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"### Run of {now}, commit {commit} (`bench/builder.py`)",
        "",
        f"{os.cpu_count()} vCPU ({cpu}), Python {platform.python_version()}, SQLite, "
        f"DEBUG off, in process (Django test client). {args.steps} steps, {questions} "
        "questions (half of them with a condition). Milliseconds of server time.",
        "",
        "| what | median | p95 | max |",
        "|---|---|---|---|",
    ]
    for name, times in results.items():
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        lines.append(f"| {name} | {statistics.median(times):.1f} | {p95:.1f} | {max(times):.1f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
