"""Flag accounts inactive for ACCOUNT_RETENTION_DAYS (law 09-08 retention) for an admin's review.

Celery beat runs the same service every day (``inactive_accounts_flag_task``)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from academy.accounts.personal_data import inactive_accounts_flag


class Command(BaseCommand):
    help = "Flag accounts without sign-in or learning activity for ACCOUNT_RETENTION_DAYS days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        days = days or settings.ACCOUNT_RETENTION_DAYS
        flagged = inactive_accounts_flag(days=days)
        self.stdout.write(f"{flagged} account(s) newly flagged as inactive for {days} days.")
