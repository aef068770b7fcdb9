from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.h5p.models import H5PPackage
from courses.h5p.selectors import h5p_import_report_lines
from courses.h5p.services import H5PValidationError, h5p_activity_create, h5p_package_import


class Command(BaseCommand):
    help = "Validates and imports an .h5p package; prints its id and the libraries added or reused."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--title", default=None)
        parser.add_argument(
            "--key", default=None, help="also create (or update) the activity with this key"
        )
        parser.add_argument(
            "--language", default=None, help="activity language (default: the package's)"
        )

    def handle(self, *args, path, title=None, key=None, language=None, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            with source.open("rb") as fh, transaction.atomic():
                package = h5p_package_import(file=fh, title=title, language=language)
                if key:
                    lang = (language or package.language or "fr").split("-")[0]
                    h5p_activity_create(
                        key=key,
                        title=package.title,
                        package=package,
                        language=lang if lang in ("fr", "ar") else "fr",
                    )
        except H5PValidationError as exc:
            for message in exc.messages:
                self.stderr.write(f"error: {message}")
            raise CommandError(f"{path}: rejected ({len(exc.issues)} problem(s))") from exc
        reused = getattr(package, "reused", False)
        package.refresh_from_db()
        self.stdout.write(f"package {package.pk} ({package.status}): {package.title}")
        if reused:
            self.stdout.write("same file as this package: reused, nothing added")
            return
        if package.status == H5PPackage.Status.PENDING:
            self.stdout.write("extraction queued")
        elif package.status == H5PPackage.Status.FAILED:
            for error in package.errors:
                self.stderr.write(
                    f"error: {error.get('file')} {error.get('field')}: {error.get('message')}"
                )
            raise CommandError(f"{path}: extraction failed")
        for line in h5p_import_report_lines(package.import_report):
            self.stdout.write(f"  {line}")
