from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from courses.h5p.demo import demo_h5p_install
from courses.h5p.services import H5PValidationError


class Command(BaseCommand):
    help = (
        "Builds the demo .h5p packages from courses/h5p/demo_library and, unless --no-import, "
        "imports them as activities (keys demo-registry, demo-phishing, … in fr and ar)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=None, help="folder for the .h5p files (default: var/h5p-demo)"
        )
        parser.add_argument("--no-import", action="store_true", help="only write the .h5p files")
        parser.add_argument(
            "--force", action="store_true", help="re-import activities that already exist"
        )

    def handle(self, *args, output=None, no_import=False, force=False, **options):
        try:
            for line in demo_h5p_install(
                output=Path(output) if output else None, build_only=no_import, force=force
            ):
                self.stdout.write(line)
        except H5PValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
