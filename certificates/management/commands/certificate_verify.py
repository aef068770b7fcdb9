"""Checks a certificate PDF from the command line.

Exit status: 0 genuine, 1 tampered or unknown (including "not a certificate of this
platform"), 2 unreadable.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from certificates.verification import Outcome, certificate_file_verify


class Command(BaseCommand):
    help = "Verifies a certificate PDF: exit 0 genuine, 1 tampered/unknown, 2 unreadable."

    def add_arguments(self, parser):
        parser.add_argument("path", help="PDF file to check")

    def handle(self, *args, path, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            self.stderr.write(f"unreadable: {exc}")
            sys.exit(2)
        verdict = certificate_file_verify(data)
        certificate = verdict.certificate
        self.stdout.write(f"{verdict.outcome.value}")
        self.stdout.write(f"sha256: {verdict.sha256}")
        if verdict.check is not None and verdict.check.present:
            self.stdout.write(f"signer: {verdict.check.signer}")
        if certificate is not None:
            self.stdout.write(f"serial: {certificate.serial}")
            self.stdout.write(f"status: {certificate.status}")
            if certificate.status == certificate.Status.REVOKED:
                self.stdout.write(
                    f"revoked at: {certificate.revoked_at:%Y-%m-%d} ({certificate.revocation_reason})"
                )
            if certificate.superseded_by_id:
                self.stdout.write(f"superseded by: {certificate.superseded_by.serial}")
        for problem in verdict.problems:
            self.stdout.write(f"problem: {problem}")
        if verdict.outcome != Outcome.GENUINE:
            sys.exit(verdict.exit_code)
