"""Celery tasks: take ids, call one service."""

from celery import shared_task

from .models import Notification


@shared_task
def send_enrollment_confirmation(enrollment_id: int) -> bool:
    from .services import notification_send

    return notification_send(enrollment_id=enrollment_id, kind=Notification.Kind.ENROLLED)


@shared_task
def send_completion_congratulations(enrollment_id: int) -> bool:
    from .services import notification_send

    return notification_send(enrollment_id=enrollment_id, kind=Notification.Kind.COMPLETED)


@shared_task
def course_progress_refresh_task(course_id: int) -> int:
    from .services import course_progress_refresh

    return course_progress_refresh(course_id=course_id)


@shared_task
def send_inactivity_reminders() -> int:
    from .services import inactivity_reminders_send

    return inactivity_reminders_send()


@shared_task(bind=True, max_retries=8)
def bulk_enrollment_task(self, job_id: int) -> dict:
    from academy.core.jobs import job_retry_if_busy

    from .models import BulkEnrollmentJob
    from .services import bulk_enrollment_run

    def report(job):
        if self.request.id:
            self.update_state(
                state="PROGRESS",
                meta={"job": job.pk, "processed": job.processed, "total": job.total},
            )

    job = bulk_enrollment_run(job_id=job_id, progress=report)
    if job is None:
        job_retry_if_busy(self, BulkEnrollmentJob, job_id=job_id)
        return {"job": job_id, "status": "busy"}
    return {"job": job.pk, "status": job.status, "created": job.created_count}
