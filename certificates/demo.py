"""Demo certificates: every completed demo enrolment holds a valid certificate, and
one learner also holds a revoked one, so that the demo shows both statuses.

Runs after learners' demo (completed enrolments). Idempotent.
"""

from __future__ import annotations

from django.db import transaction

from .models import Certificate
from .services import (
    CertificateIssueRefused,
    certificate_issue,
    certificate_revoke,
    certificate_template_default,
)

DEMO_REVOCATION_REASON = (
    "Démonstration : certificat révoqué pour montrer ce statut / "
    "عرض توضيحي: شهادة ملغاة لإظهار هذه الحالة"
)


def demo_certificates_install() -> dict:
    from learners.models import Enrollment

    certificate_template_default()
    issued = 0
    completed = (
        Enrollment.objects.filter(
            status=Enrollment.Status.COMPLETED, course__awards_certificate=True
        )
        .select_related("user", "course")
        .order_by("id")
    )
    for enrollment in completed:
        if enrollment.certificates.filter(status=Certificate.Status.VALID).exists():
            continue
        try:
            certificate_issue(enrollment=enrollment, allow_after_revocation=True)
            issued += 1
        except CertificateIssueRefused:
            continue

    revoked = Certificate.objects.filter(status=Certificate.Status.REVOKED).first()
    if revoked is None:
        # Revoke the first demo certificate, then give its holder a fresh valid one.
        first = Certificate.objects.filter(status=Certificate.Status.VALID).order_by("id").first()
        if first is not None:
            with transaction.atomic():
                revoked = certificate_revoke(
                    certificate=first, revoked_by=None, reason=DEMO_REVOCATION_REASON
                )
                certificate_issue(enrollment=first.enrollment, allow_after_revocation=True)
                issued += 1
    return {
        "issued": issued,
        "valid": Certificate.objects.filter(status=Certificate.Status.VALID).count(),
        "revoked": revoked.serial if revoked else None,
    }
