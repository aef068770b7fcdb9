from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from courses.demo import DemoContentError, demo_courses_install


class Command(BaseCommand):
    help = "Installs (or updates) the demo catalogue, DigComp data and demo courses in fr and ar."

    def add_arguments(self, parser):
        parser.add_argument("--trainer", help="username of a trainer granted every demo course")
        parser.add_argument(
            "--content-dir", help="folder of course JSON files (default: courses/demo_content)"
        )

    def handle(self, *args, trainer=None, content_dir=None, **options):
        user = None
        if trainer:
            user = get_user_model().objects.filter(username=trainer).first()
            if user is None:
                raise CommandError(f"No user named {trainer!r}")
        try:
            result = demo_courses_install(trainer=user, content_dir=content_dir, stdout=self.stdout)
        except DemoContentError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{len(result['courses'])} courses, {result['competences']} competences installed "
            f"under '{result['catalogue'].title}'."
        )
