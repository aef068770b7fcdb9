"""Celery tasks of certificates: thin wrappers around services, taking ids."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def certificate_issue_task(self, enrollment_id: int) -> str | None:
    """Issues the certificate of a completed enrolment, exactly once.

    Queued when ``learners.signals.enrollment_completed`` is received (after the commit).
    Safe to run twice (redelivery after a worker died): the service returns the
    certificate already issued.
    """
    from learners.models import Enrollment

    from .services import CertificateIssueRefused, certificate_issue

    try:
        enrollment = Enrollment.objects.get(pk=enrollment_id)
    except Enrollment.DoesNotExist:
        logger.warning("certificate_issue_task: enrolment %s does not exist", enrollment_id)
        return None
    try:
        certificate = certificate_issue(enrollment=enrollment)
    except CertificateIssueRefused as exc:
        logger.info("No certificate for enrolment %s: %s", enrollment_id, exc.messages[0])
        return None
    return str(certificate.uuid)


@shared_task
def certificates_missing_issue_task(minutes: int = 10) -> int:
    """Beat: queues again the certificates whose issuing task was lost (exactly-once
    still holds: issuing is idempotent)."""
    from datetime import timedelta

    from django.utils import timezone

    from .services import certificates_missing

    missing = certificates_missing(completed_before=timezone.now() - timedelta(minutes=minutes))
    for enrollment_id in missing:
        certificate_issue_task.delay(enrollment_id)
    if missing:
        logger.warning("Re-queued %s certificate(s) whose issuing task was lost", len(missing))
    return len(missing)


@shared_task
def certificate_renewal_reminders_task() -> int:
    """Beat (daily): reminds, once, the holders whose recertification window opened."""
    from .services import certificate_renewal_reminders_send

    return certificate_renewal_reminders_send()
