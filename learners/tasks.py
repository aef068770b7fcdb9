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
def send_inactivity_reminders() -> int:
    from .services import inactivity_reminders_send

    return inactivity_reminders_send()


@shared_task(bind=True)
def bulk_enrollment_task(self, job_id: int) -> dict:
    from .services import bulk_enrollment_run

    def report(job):
        if self.request.id:
            self.update_state(
                state="PROGRESS",
                meta={"job": job.pk, "processed": job.processed, "total": job.total},
            )

    job = bulk_enrollment_run(job_id=job_id, progress=report)
    return {"job": job.pk, "status": job.status, "created": job.created_count}
