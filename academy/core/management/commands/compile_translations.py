"""Compile every .po catalogue of the project into .mo files, without GNU gettext.

``make`` runs this on a fresh machine that has Python but no ``msgfmt``.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SKIP = {"node_modules", ".venv", "var", ".git"}


def catalogues(base: Path):
    for po in base.rglob("LC_MESSAGES/*.po"):
        if not SKIP.intersection(po.relative_to(base).parts):
            yield po


class Command(BaseCommand):
    help = "Compile the project's translation catalogues (.po → .mo) with Babel."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR if hasattr(settings, "BASE_DIR") else Path.cwd())
        count = 0
        for po in catalogues(base):
            locale = po.parent.parent.name
            try:
                with po.open("rb") as fh:
                    catalog = read_po(fh, locale=locale)
            except Exception as exc:  # babel raises several types on bad syntax
                raise CommandError(f"{po}: cannot be read: {exc}") from exc
            if catalog.locale is None:
                # An empty "Language:" header (as makemessages writes it) makes Babel forget the
                # locale, and with it the Plural-Forms header: take the locale from the folder.
                catalog.locale = locale
            with po.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            count += 1
        self.stdout.write(f"Compiled {count} catalogue(s).")
