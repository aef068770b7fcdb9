"""Install the demo: territories, accounts for every role, courses, H5P activities,
progress and certificates. Idempotent: running it twice leaves the same demo."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from academy.accounts.demo import DEMO_PASSWORD, demo_users_install
from academy.core.demo import demo_steps
from academy.territories.models import Territory


class Command(BaseCommand):
    help = "Install (or refresh) the demo data and print the demo logins."

    def handle(self, *args, **options):
        if not Territory.objects.exists():
            call_command("load_territories", stdout=self.stdout)
        accounts = demo_users_install()
        users = {account.username: user for account, user in accounts}
        for step in demo_steps():
            self.stdout.write(f"· {step.__doc__.strip().splitlines()[0]}")
            step(users=users, stdout=self.stdout)
        site = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS(f"\nDemo ready on {site}/ — logins:"))
        for account, user in accounts:
            unit = f" · {user.unit.name_fr} ({user.unit.code})" if user.unit else ""
            self.stdout.write(f"  {account.username:<17} {DEMO_PASSWORD}   {account.role}{unit}")
        self.stdout.write(f"  Wagtail admin: {site}/admin/ (admin, trainer, reviewer)")
