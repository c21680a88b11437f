"""manage.py export_archive --eservice bygglov --from 2026-01-01 --to 2026-12-31 --out sip.zip

One SIP (FGS Paketstruktur / E-ARK) with the e-service's cases closed in the
period. Each case's history and access log say who exported it, when, and
the package's SHA-256 (docs/archive.md)."""

import getpass
import os
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from etjanst.archive.actions import export_cases
from etjanst.archive.errors import ArchiveError
from etjanst.archive.queries import closed_in_period
from etjanst.cases.models import Case
from etjanst.eservices.models import EService


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Ogiltigt datum: {value} (skriv ÅÅÅÅ-MM-DD).") from error


class Command(BaseCommand):
    help = "Exportera avslutade ärenden i en e-tjänst och period som ett arkivpaket (SIP)."

    def add_arguments(self, parser):
        parser.add_argument("--eservice", required=True, help="e-tjänstens kod (slug)")
        parser.add_argument("--from", dest="start", required=True, help="ÅÅÅÅ-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="ÅÅÅÅ-MM-DD (tas med)")
        parser.add_argument("--out", required=True, help="filen som paketet skrivs till (.zip)")
        parser.add_argument(
            "--by", default="", help="vem som exporterar (standard: användaren som kör kommandot)"
        )

    def handle(self, *args, **options):
        eservice = EService.objects.filter(slug=options["eservice"]).first()
        if eservice is None:
            raise CommandError(f"Det finns ingen e-tjänst med koden {options['eservice']}.")
        by = options["by"] or getpass.getuser()
        out = options["out"]
        if os.path.exists(out):
            raise CommandError(f"{out} finns redan; välj ett annat filnamn.")
        try:
            cases = list(
                closed_in_period(
                    Case.objects.all(),
                    eservice=eservice,
                    start=_day(options["start"]),
                    end=_day(options["end"]),
                )
            )
            with open(out, "xb") as target:
                package = export_cases(
                    cases=cases, out=target, exported_by=f"{by} (manage.py export_archive)"
                )
        except ArchiveError as error:
            if os.path.exists(out) and os.path.getsize(out) == 0:
                os.remove(out)
            raise CommandError(error.message) from error
        self.stdout.write(
            f"{out}: {len(package.case_ids)} ärenden, paket {package.package_id}, "
            f"SHA-256 {package.sha256}"
        )
