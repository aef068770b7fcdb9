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

    Queued by learners with ``certificate_issue_task.delay_on_commit(enrollment.id)``.
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
