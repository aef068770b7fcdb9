"""Domain signals of certificates and its receivers (contracts: docs/architecture.md)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a recertification stored a new certificate that supersedes an older one:
# ``certificate`` (the new one), ``previous_id`` (the superseded one's id).
certificate_renewed = Signal()


def enrollment_completed_issue(sender, enrollment, course, **kwargs):
    """``learners.signals.enrollment_completed`` (sent after the commit): the course awards
    a certificate, so its issuance is queued (the task takes the enrolment id)."""
    from .tasks import certificate_issue_task

    if course.awards_certificate:
        certificate_issue_task.delay(enrollment.pk)


def connect() -> None:
    from learners.signals import enrollment_completed

    enrollment_completed.connect(
        enrollment_completed_issue, dispatch_uid="certificates-enrollment-completed"
    )
