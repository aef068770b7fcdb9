"""Erase one person's personal data on their request (law 09-08); see docs/personal-data.md."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from academy.accounts.models import User
from academy.accounts.personal_data import user_personal_data_erase


class Command(BaseCommand):
    help = "Erase the personal data of one account (username or matricule), keeping statistics."

    def add_arguments(self, parser):
        parser.add_argument("account")
        parser.add_argument(
            "--by", required=True, help="username of the admin who received the request"
        )

    def handle(self, *args, account, by, **options):
        user = User.objects.filter(Q(username=account) | Q(matricule=account)).first()
        actor = User.objects.filter(username=by, is_superuser=True).first()
        if user is None:
            raise CommandError(f"no account {account!r}")
        if actor is None:
            raise CommandError(f"{by!r} is not a platform administrator")
        user_personal_data_erase(user=user, actor=actor)
        self.stdout.write(f"Personal data of account {user.pk} erased.")
