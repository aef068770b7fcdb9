"""Tasks take ids and call one service."""

from celery import shared_task


@shared_task(bind=True, max_retries=8)
def staff_import_task(self, job_id: int) -> None:
    from academy.core.jobs import job_retry_if_busy

    from .models import StaffImportJob
    from .services import staff_import_job_run

    if staff_import_job_run(job_id=job_id) is None:
        job_retry_if_busy(self, StaffImportJob, job_id=job_id)


@shared_task(bind=True, max_retries=8)
def export_task(self, job_id: int) -> None:
    from academy.core.jobs import job_retry_if_busy

    from .models import ExportJob
    from .services import export_job_run

    if export_job_run(job_id=job_id) is None:
        job_retry_if_busy(self, ExportJob, job_id=job_id)


@shared_task
def email_change_notice_task(user_id: int, old_email: str) -> bool:
    from .services.notices import email_change_notice_send

    return email_change_notice_send(user_id=user_id, old_email=old_email)


@shared_task
def export_files_purge_task() -> int:
    from .services import export_files_purge

    return export_files_purge()


@shared_task
def stats_snapshot_refresh_task() -> None:
    """Refresh the national snapshot of the unfiltered figures (both attributions)."""
    from .selectors import ATTRIBUTION_COMPLETION, ATTRIBUTION_CURRENT, stats_snapshot_store

    for attribution in (ATTRIBUTION_COMPLETION, ATTRIBUTION_CURRENT):
        stats_snapshot_store(attribution=attribution)


@shared_task
def campaigns_sync_task(user_ids: list[int] | None = None) -> int:
    """Launched campaigns' audiences brought in step (for ``user_ids``, or everyone nightly)."""
    from .services.campaigns import campaigns_sync

    result = campaigns_sync(user_ids=user_ids)
    return result.joined + result.left


@shared_task
def campaign_reminders_task() -> int:
    from .services.campaigns import campaign_reminders_send

    return campaign_reminders_send()


@shared_task
def campaign_digests_task() -> int:
    from .services.campaigns import campaign_digests_send

    return campaign_digests_send()
