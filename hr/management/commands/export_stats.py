import shutil
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from academy.accounts.models import User
from academy.accounts.selectors import Visibility, visibility_for
from hr.exporters import REGISTRY, export_rows, exporter_get
from hr.selectors import StatsFilters, scope_for
from hr.services import csv_stream, export_xlsx_write


class Command(BaseCommand):
    help = "Write one HR export (CSV UTF-8 with BOM, or XLSX) for a unit and everything below it."

    def add_arguments(self, parser):
        parser.add_argument("--unit", default="national", help="unit code, or 'national'")
        parser.add_argument("--exporter", required=True, choices=sorted(REGISTRY))
        parser.add_argument("--format", default="csv", choices=["csv", "xlsx"])
        parser.add_argument("--output", required=True, help="file path, or - for stdout (CSV only)")
        parser.add_argument("--as-user", help="username of an HR officer: restrict to their scope")
        parser.add_argument(
            "--attribution", default="completion", choices=["completion", "current"]
        )

    def handle(self, *args, unit, exporter, format, output, as_user, attribution, **options):
        if as_user:
            user = User.objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"no user {as_user!r}")
            visibility = visibility_for(user)
        else:
            visibility = Visibility(everything=True)
        try:
            scope = scope_for(visibility=visibility, code=unit)
        except PermissionDenied as exc:
            raise CommandError(f"unit {unit!r}: unknown or outside the scope") from exc
        exp = exporter_get(exporter)
        filters = StatsFilters(attribution=attribution)
        if format == "csv":
            if output == "-":
                for chunk in csv_stream(export_rows(exporter=exp, scope=scope, filters=filters)):
                    self.stdout.write(chunk, ending="")
                return
            path = Path(output)
            with path.open("w", encoding="utf-8", newline="") as fh:
                for chunk in csv_stream(export_rows(exporter=exp, scope=scope, filters=filters)):
                    fh.write(chunk)
        else:
            if output == "-":
                raise CommandError("XLSX needs a file path for --output")
            path = Path(output)
            tmp = path.with_suffix(path.suffix + ".part")
            export_xlsx_write(exporter=exp, scope=scope, filters=filters, target=str(tmp))
            shutil.move(tmp, path)
        self.stderr.write(
            self.style.SUCCESS(f"{path}: {exp.name} of {scope.code}, {format.upper()} written.")
        )
