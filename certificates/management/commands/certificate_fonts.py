from django.core.management.base import BaseCommand, CommandError

from certificates.fonts import FontsMissing, fonts_build, fonts_dir


class Command(BaseCommand):
    help = "Builds the certificate TrueType fonts from the npm font package (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even if up to date.")

    def handle(self, *args, force=False, **options):
        try:
            written = fonts_build(force=force)
        except FontsMissing as exc:
            raise CommandError(str(exc)) from exc
        if written:
            for path in written:
                self.stdout.write(f"built {path}")
        else:
            self.stdout.write(f"fonts up to date in {fonts_dir()}")
