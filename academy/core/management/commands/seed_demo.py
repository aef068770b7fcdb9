"""Install the demo: territories, accounts for every role, courses, H5P activities,
progress and certificates. Idempotent: running it twice leaves the same demo."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from academy.accounts.demo import DEMO_PASSWORD, demo_users_install
from academy.territories.models import Territory


class Command(BaseCommand):
    help = "Install (or refresh) the demo data and print the demo logins."

    def handle(self, *args, **options):
        if not Territory.objects.exists():
            call_command("load_territories", stdout=self.stdout)
        accounts = demo_users_install()
        users = {account.username: user for account, user in accounts}
        for step in self.steps():
            self.stdout.write(f"· {step.__doc__.strip().splitlines()[0]}")
            step(users)
        self.stdout.write(self.style.SUCCESS("\nDemo ready on http://127.0.0.1:8000/ — logins:"))
        for account, user in accounts:
            unit = f" · {user.unit.name_fr} ({user.unit.code})" if user.unit else ""
            self.stdout.write(f"  {account.username:<17} {DEMO_PASSWORD}   {account.role}{unit}")
        self.stdout.write("  Wagtail admin: http://127.0.0.1:8000/admin/ (admin, trainer, reviewer)")

    def steps(self):
        return [self.install_h5p, self.install_courses, self.install_progress, self.install_certificates]

    def install_h5p(self, users):
        """H5P demo activities (built from the project's own H5P library)."""
        from courses.h5p.demo import demo_h5p_install

        for line in demo_h5p_install():
            self.stdout.write(f"  {line}")

    def install_courses(self, users):
        """Demo courses in French and Arabic, published, with review workflow and permissions."""
        from courses.demo import demo_courses_install

        demo_courses_install(trainer=users["trainer"], stdout=self.stdout)

    def install_progress(self, users):
        """Enrolments and progress of the demo learners."""
        from learners.demo import demo_progress_install

        demo_progress_install()

    def install_certificates(self, users):
        """Certificates of the demo learners who completed a course (one revoked)."""
        from certificates.demo import demo_certificates_install

        demo_certificates_install()
