"""Reads of certificates."""

from __future__ import annotations

import re
import uuid as uuid_lib

from django.db.models import QuerySet

from .models import Certificate

SERIAL_RE = re.compile(r"^AC-\d{4}-\d{6}$")


def certificate_by_key(key: str) -> Certificate | None:
    """A certificate by its UUID or its serial (``AC-2026-000123``, any case)."""
    key = (key or "").strip()
    qs = Certificate.objects.select_related("superseded_by", "enrollment")
    try:
        return qs.filter(uuid=uuid_lib.UUID(key)).first()
    except ValueError:
        pass
    serial = key.upper()
    if not SERIAL_RE.match(serial):
        return None
    return qs.filter(serial=serial).first()


def certificate_by_sha256(sha256: str) -> Certificate | None:
    return Certificate.objects.select_related("superseded_by").filter(sha256=sha256).first()


def certificates_for_user(*, user) -> QuerySet[Certificate]:
    """A learner's certificates, newest first (valid, revoked and superseded)."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(enrollment__user=user).select_related("superseded_by")


def certificate_valid_for_enrollment(*, enrollment) -> Certificate | None:
    return Certificate.objects.filter(
        enrollment=enrollment, status=Certificate.Status.VALID
    ).first()


def certificate_pdf_bytes(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as fh:
        return fh.read()
