"""Tasks take ids and call one service."""

from celery import shared_task


@shared_task
def staff_import_task(job_id: int) -> None:
    from .services import staff_import_job_run

    staff_import_job_run(job_id=job_id)


@shared_task
def export_task(job_id: int) -> None:
    from .services import export_job_run

    export_job_run(job_id=job_id)


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
