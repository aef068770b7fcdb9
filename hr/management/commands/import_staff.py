from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from academy.accounts.models import User
from academy.accounts.selectors import Visibility, visibility_for
from hr.services import StaffFileError, StaffImportRefused, staff_import_apply, staff_import_plan


class Command(BaseCommand):
    help = "Import employees from a CSV (UTF-8) or XLSX file; all or nothing. --dry-run shows the plan."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, change nothing"
        )
        parser.add_argument(
            "--as-user", help="username of an HR officer: restrict the import to their scope"
        )

    def handle(self, *args, path, dry_run, as_user, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        if as_user:
            user = User.objects.filter(username=as_user).first()
            if user is None:
                raise CommandError(f"no user {as_user!r}")
            visibility = visibility_for(user)
        else:
            visibility = Visibility(everything=True)
        raw = file.read_bytes()
        try:
            if dry_run:
                plan = staff_import_plan(raw=raw, visibility=visibility, file_name=file.name)
            else:
                plan = staff_import_apply(raw=raw, visibility=visibility, file_name=file.name)
        except StaffFileError as exc:
            for error in exc.errors:
                self.stderr.write(f"{file}: {error}")
            raise CommandError(f"{file}: refused; nothing was changed.") from exc
        except StaffImportRefused as exc:
            plan = exc.plan
            self._print(plan)
            raise CommandError(f"{file}: {exc}") from exc
        self._print(plan)
        verb = "would be" if dry_run else "were"
        counts = plan.counts
        summary = ", ".join(f"{n} {action}" for action, n in counts.items() if n)
        if dry_run and not plan.ok:
            raise CommandError(
                f"{file}: {plan.error_count} row(s) have errors; nothing {verb} changed."
            )
        self.stdout.write(
            self.style.SUCCESS(f"{file.name}: {summary} ({'dry run' if dry_run else 'applied'}).")
        )

    def _print(self, plan):
        for row in plan.rows:
            detail = ""
            if row.action == "move":
                detail = f" {row.from_unit or '—'} → {row.to_unit}"
            elif row.action == "update":
                detail = " " + ", ".join(row.changes)
            self.stdout.write(
                f"line {row.line:>5} {row.values.get('matricule', ''):<14} {row.action}{detail}"
            )
            for error in row.errors:
                self.stderr.write(f"line {row.line}: {error}")
