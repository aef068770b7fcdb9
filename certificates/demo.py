"""Demo certificates: every completed demo enrolment holds a valid certificate, and
the demo shows revoked ones too.

Recertification: two demo courses have a validity period (their content says so):
learner.berkane's certificate of the cybersecurity course expires in a few weeks (its
renewal window is open) and learner.aklim's certificate of the digital skills course
expired last month. They are issued back-dated, so the expiry date follows from the
course as for any certificate; the certificates those learners received at completion
are revoked with a reason that says so, and are the demo's revoked certificates.
Without them, the first demo certificate is revoked instead.

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


# (username, course slug, days until expiry: negative = expired). The validity period is
# the course's own (courses/demo_content), so the published course and its revisions agree.
DEMO_EXPIRING = (
    ("learner.berkane", "cybersecurite", 25),
    ("learner.aklim", "competences-numeriques", -20),
)
DEMO_BACKDATED_REASON = (
    "Démonstration : remplacé par un certificat antidaté (échéance proche ou passée) / "
    "عرض توضيحي: عُوّضت بشهادة مؤرخة بتاريخ سابق (صلاحية قريبة الانتهاء أو منتهية)"
)


def _demo_expiring_install() -> int:
    """A certificate about to expire and an expired one (see the module docstring).

    The demo learners completed their course a moment ago and already hold a certificate
    issued then: it is revoked (saying why), the completion is moved back before the
    back-dated issue, and the certificate is issued again as of that day. Once such a
    revoked certificate exists, this is done already (idempotent)."""
    from learners.models import Enrollment

    from .services import months_after

    issued = 0
    today = timezone.localdate()
    completed = list(
        Enrollment.objects.filter(
            status=Enrollment.Status.COMPLETED,
            course__awards_certificate=True,
            course__certificate_validity_months__gt=0,
        ).select_related("user", "course")
    )
    if Certificate.objects.filter(
        revocation_reason=DEMO_BACKDATED_REASON, enrollment__in=completed
    ).exists():
        return 0  # installed already
    # The planned learner and course first; else any other completed enrolment of a course
    # with a validity period, so that the demo shows both cases whenever two exist.
    used: set[int] = set()
    for username, slug, days_left in DEMO_EXPIRING:
        planned = [e for e in completed if (e.user.username, e.course.slug) == (username, slug)]
        enrollment = next((e for e in planned + completed if e.pk not in used), None)
        if enrollment is None:
            continue
        used.add(enrollment.pk)
        months = enrollment.course.certificate_validity_months
        # The day whose expiry (issue day + months) falls ``days_left`` days from today.
        issued_on = months_after(today + dt.timedelta(days=days_left), -months)
        issued_at = timezone.make_aware(dt.datetime.combine(issued_on, dt.time(10, 0)))
        with transaction.atomic():
            for current in enrollment.certificates.filter(status=Certificate.Status.VALID):
                certificate_revoke(
                    certificate=current, revoked_by=None, reason=DEMO_BACKDATED_REASON
                )
            # Demo history: the learner completed the course on the back-dated day.
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
