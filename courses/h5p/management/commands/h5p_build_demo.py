from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.h5p.demo import demo_activities, demo_package_bytes
from courses.h5p.models import H5PActivity
from courses.h5p.services import H5PValidationError, h5p_activity_create, h5p_package_import


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
        out = Path(output) if output else Path(settings.ACADEMIE_DATA_DIR) / "h5p-demo"
        out.mkdir(parents=True, exist_ok=True)
        for spec in demo_activities():
            data = demo_package_bytes(spec)
            path = out / f"{spec['key']}.h5p"
            path.write_bytes(data)
            self.stdout.write(f"built {path} ({len(data)} bytes)")
            if no_import:
                continue
            if not force and H5PActivity.objects.filter(key=spec["key"]).exists():
                self.stdout.write(f"  activity {spec['key']} exists (use --force to re-import)")
                continue
            try:
                with transaction.atomic():
                    package = h5p_package_import(file=data, title=spec["title"])
                    activity = h5p_activity_create(
                        key=spec["key"],
                        title=spec["title"],
                        package=package,
                        language=spec["language"],
                    )
            except H5PValidationError as exc:
                raise CommandError("\n".join(exc.messages)) from exc
            package.refresh_from_db()
            self.stdout.write(
                f"  activity {activity.key} → package {package.pk} ({package.status})"
            )
