"""manage.py rebuild_statistics_months [--eservice KOD …]

Computes the statistics' month rows again from the day rows
(statistics.actions.rebuild_months). Recording keeps them in step, so this
is only needed after day rows were written another way: a restore of the
day rows alone, an import, the benchmark (docs/statistics.md)."""

from django.core.management.base import BaseCommand, CommandError

from etjanst.eservices.models import EService
from etjanst.statistics.actions import rebuild_months


class Command(BaseCommand):
    help = "Bygg om statistikens räknare per månad från räknarna per dag."

    def add_arguments(self, parser):
        parser.add_argument(
            "--eservice",
            action="append",
            default=[],
            metavar="KOD",
            help="bara den här e-tjänsten (dess kod, slug); kan anges flera gånger",
        )

    def handle(self, *args, **options):
        ids = None
        if options["eservice"]:
            found = dict(
                EService.objects.filter(slug__in=options["eservice"]).values_list("slug", "pk")
            )
            missing = sorted(set(options["eservice"]) - set(found))
            if missing:
                raise CommandError(f"Det finns ingen e-tjänst med koden {', '.join(missing)}.")
            ids = list(found.values())
        written = rebuild_months(eservice_ids=ids)
        self.stdout.write(
            f"Räknarna per månad är ombyggda från räknarna per dag: "
            f"{written['monthlycount']} rader antal, {written['monthlyduration']} rader tider."
        )
