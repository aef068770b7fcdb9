"""Running exporters: streamed CSV, XLSX files built by a task, expiring signed links."""

from __future__ import annotations

import csv
import datetime
import io
import os
import tempfile
from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import storages
from django.utils import timezone

from academy.accounts.selectors import visibility_for

from ..exporters import Exporter, export_file_name, export_rows, exporter_get
from ..models import ExportFormat, ExportJob, JobStatus
from ..selectors import Scope, StatsFilters

BOM = "\ufeff"
CSV_BATCH = 1000
SIGNING_SALT = "hr.export-download"


def csv_stream(rows: Iterator, *, bom: bool = True) -> Iterator[str]:
    """CSV text in chunks of ~1,000 rows, UTF-8 with a BOM so that Excel reads Arabic right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        yield BOM
    rows = iter(rows)
    while True:
        batch = list(islice(rows, CSV_BATCH))
        if not batch:
            return
        writer.writerows(batch)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def export_csv_stream(*, exporter: Exporter, scope: Scope, filters: StatsFilters) -> Iterator[bytes]:
    for chunk in csv_stream(export_rows(exporter=exporter, scope=scope, filters=filters)):
        yield chunk.encode("utf-8")


def export_xlsx_write(*, exporter: Exporter, scope: Scope, filters: StatsFilters, target, progress=None) -> int:
    """Write the export as an XLSX workbook (openpyxl write-only) to ``target``; returns the row count."""
    from openpyxl import Workbook

    total = exporter.count(scope=scope, filters=filters) if progress else 0
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(exporter.name)[:31])
    sheet.append(exporter.header())
    written = 0
    for row in exporter.rows(scope=scope, filters=filters):
        sheet.append(list(row))
        written += 1
        if progress and written % 2000 == 0 and total:
            progress(min(99, written * 100 // total))
    workbook.save(target)
    return written


def export_job_create(*, user, scope: Scope, exporter_name: str, filters: StatsFilters) -> ExportJob:
    exporter_get(exporter_name)  # refuses unknown names
    return ExportJob.objects.create(
        created_by=user,
        unit=scope.unit,
        exporter=exporter_name,
        format=ExportFormat.XLSX,
        filters=filters.as_dict(),
    )


def export_job_run(*, job_id: int) -> ExportJob:
    """The task body: build the XLSX in private storage, reporting progress on the job row."""
    job = ExportJob.objects.select_related("created_by", "unit").get(pk=job_id)
    if job.status in (JobStatus.RUNNING, JobStatus.DONE):
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, percent=0)

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(percent=percent)

    try:
        # The scope is checked again with today's rights of the person who asked.
        scope = Scope(visibility=visibility_for(job.created_by), unit=job.unit)
        exporter = exporter_get(job.exporter)
        filters = StatsFilters.from_dict(job.filters)
        file_name = export_file_name(exporter=exporter, scope=scope, file_format="xlsx")
        storage = storages["private"]
        with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
            tmp_path = tmp.name
        try:
            rows = export_xlsx_write(exporter=exporter, scope=scope, filters=filters, target=tmp_path, progress=progress)
            with open(tmp_path, "rb") as fh:
                stored = storage.save(f"hr-exports/{job.pk}/{file_name}", File(fh))
        finally:
            os.unlink(tmp_path)
    except Exception as exc:  # the job row must say why; the task still fails loudly
        job.status, job.error, job.finished_at = JobStatus.FAILED, str(exc), timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.status, job.percent, job.rows = JobStatus.DONE, 100, rows
    job.file_name, job.file_path, job.finished_at = file_name, stored, timezone.now()
    job.save(update_fields=["status", "percent", "rows", "file_name", "file_path", "finished_at"])
    return job


def export_link_max_age() -> int:
    return int(getattr(settings, "HR_EXPORT_LINK_MAX_AGE", 24 * 3600))


def export_download_token(*, job: ExportJob) -> str:
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(str(job.pk))


def export_job_from_token(*, token: str) -> ExportJob | None:
    """The job a download link points to, or None when the link is forged or expired."""
    try:
        job_id = signing.TimestampSigner(salt=SIGNING_SALT).unsign(token, max_age=export_link_max_age())
    except signing.BadSignature:
        return None
    return ExportJob.objects.filter(pk=job_id, status=JobStatus.DONE).exclude(file_path="").first()


def export_files_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of exports whose links have expired; returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=export_link_max_age())
    storage = storages["private"]
    purged = 0
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file_path=""):
        storage.delete(job.file_path)
        job.file_path = ""
        job.save(update_fields=["file_path"])
        purged += 1
    return purged
