"""Periodic work of the accounts app (Celery beat)."""

from celery import shared_task
from django.conf import settings

from academy.accounts.personal_data import inactive_accounts_flag


@shared_task(name="academy.accounts.tasks.inactive_accounts_flag_task")
def inactive_accounts_flag_task() -> int:
    return inactive_accounts_flag(days=settings.ACCOUNT_RETENTION_DAYS)
