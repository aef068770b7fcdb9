"""Demo certificates: every completed demo enrolment holds a valid certificate, and
one learner also holds a revoked one, so that the demo shows both statuses.

Recertification: two demo courses get a validity period; learner.berkane's certificate
of the cybersecurity course expires in a few weeks (its renewal window is open) and
learner.aklim's certificate of the digital skills course expired last month. They are
issued back-dated, so the expiry date follows from the course as for any certificate.

Runs after learners' demo (completed enrolments). Idempotent.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

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
    issued = _demo_expiring_install()
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


# (username, course slug, validity in months, days until expiry: negative = expired)
DEMO_EXPIRING = (
    ("learner.berkane", "cybersecurite", 24, 25),
    ("learner.aklim", "competences-numeriques", 12, -20),
)


def _demo_expiring_install() -> int:
    """A certificate about to expire and an expired one (see the module docstring).

    The demo learners completed their course a moment ago and may already hold a
    certificate without expiry date: it is revoked (the demo's revoked certificate), the
    completion is moved back before the back-dated issue, and the certificate is issued
    again as of that day."""
    from courses.models import CoursePage
    from learners.models import Enrollment

    from .services import months_after

    issued = 0
    today = timezone.localdate()
    completed = list(
        Enrollment.objects.filter(
            status=Enrollment.Status.COMPLETED, course__awards_certificate=True
        ).select_related("user", "course")
    )
    if any(e.certificates.filter(valid_until__isnull=False).exists() for e in completed):
        return 0  # installed already
    # The planned learner and course first; else any other completed enrolment, so that
    # the demo shows both cases whenever two completions exist.
    used: set[int] = set()
    for username, slug, months, days_left in DEMO_EXPIRING:
        planned = [e for e in completed if (e.user.username, e.course.slug) == (username, slug)]
        others = [e for e in completed if e.pk not in used and e not in planned]
        enrollment = next((e for e in planned + others if e.pk not in used), None)
        if enrollment is None:
            continue
        used.add(enrollment.pk)
        CoursePage.objects.filter(pk=enrollment.course_id).update(
            certificate_validity_months=months
        )
        # The day whose expiry (issue day + months) falls ``days_left`` days from today.
        issued_on = months_after(today + dt.timedelta(days=days_left), -months)
        issued_at = timezone.make_aware(dt.datetime.combine(issued_on, dt.time(10, 0)))
        with transaction.atomic():
            for current in enrollment.certificates.filter(status=Certificate.Status.VALID):
                certificate_revoke(
                    certificate=current, revoked_by=None, reason=DEMO_REVOCATION_REASON
                )
            Enrollment.objects.filter(pk=enrollment.pk).update(
                completed_at=issued_at - dt.timedelta(hours=1)
            )
            enrollment.refresh_from_db()
            certificate_issue(
                enrollment=enrollment, issued_at=issued_at, allow_after_revocation=True
            )
            issued += 1
    return issued


def demo_step(*, users, stdout):
    """Certificates of the demo learners who completed a course (one revoked)."""
    demo_certificates_install()
