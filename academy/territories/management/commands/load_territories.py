from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from academy.territories.models import Level
from academy.territories.services import DEFAULT_PATH, TerritoryFileError, territories_load


class Command(BaseCommand):
    help = "Load (upsert by HCP code) the territorial hierarchy from a CSV file, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH))

    def handle(self, *args, path, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            report = territories_load(raw=file.read_bytes())
        except TerritoryFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(
                f"{file}: refused, {len(exc.errors)} error(s); nothing was changed."
            ) from exc
        for level in (Level.REGION, Level.PREFECTURE, Level.PROVINCE, Level.COMMUNE):
            self.stdout.write(
                f"{level.value:<11} {report.total(level):>5}  "
                f"(created {report.created[level]}, updated {report.updated[level]}, "
                f"unchanged {report.unchanged[level]})"
            )
        self.stdout.write(self.style.SUCCESS(f"Loaded {file.name}."))
