from django.core.management.base import BaseCommand

from etjanst.guardians.actions import expire_and_remind


class Command(BaseCommand):
    help = (
        "Guardians' signatures: hand over the cases whose deadline has passed, and remind "
        "those whose deadline is near (ETJANST_GUARDIAN_REMIND_DAYS)."
    )

    def handle(self, *args, **options) -> None:
        expired, reminded = expire_and_remind()
        self.stdout.write(f"{expired} ran out, {reminded} reminded")
