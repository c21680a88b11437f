import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from etjanst.eservices.actions import import_eservice


class Command(BaseCommand):
    help = "Create or update e-services from JSON files (one e-service per file)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="JSON files or folders of JSON files")

    def handle(self, *args, paths: list[str], **options):
        files: list[Path] = []
        for path in map(Path, paths):
            files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
        for file in files:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
                eservice, version = import_eservice(data=data)
            except (OSError, json.JSONDecodeError, KeyError) as exc:
                raise CommandError(f"{file}: {exc}") from exc
            except ValidationError as exc:
                raise CommandError(f"{file}: " + "; ".join(exc.messages)) from exc
            if version is None:
                self.stdout.write(f"{eservice.slug}: oförändrad")
            else:
                self.stdout.write(f"{eservice.slug}: version {version.number} publicerad")
