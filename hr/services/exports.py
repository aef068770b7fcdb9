"""Running exporters: streamed CSV, XLSX files built by a task, expiring signed links."""

from __future__ import annotations

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
from django.utils.translation import get_language_bidi

from academy.accounts.selectors import visibility_for
from academy.core.jobs import job_language, job_progress, job_run

from ..exporters import Exporter, export_file_name, export_rows, exporter_get
from ..models import ExportFormat, ExportJob, JobStatus
from ..selectors import Scope, StatsFilters
from ..spreadsheet import cell_is_dangerous, csv_writer, xlsx_cell
from . import audit

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"

BOM = "\ufeff"
CSV_BATCH = 1000
SIGNING_SALT = "hr.export-download"


def csv_stream(rows: Iterator, *, bom: bool = True) -> Iterator[str]:
    """CSV text in chunks of ~1,000 rows, UTF-8 with a BOM so that Excel reads Arabic right.
    Cells a spreadsheet would run are escaped (``hr.spreadsheet``)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
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


def export_csv_stream(
    *, exporter: Exporter, scope: Scope, filters: StatsFilters, user=None, request=None
) -> Iterator[bytes]:
    """The CSV of an export, streamed; asking for it is an audited event."""
    audit.export_requested(
        actor=user,
        export=exporter.name,
        file_format="csv",
        unit=scope.code,
        filters=filters.as_dict(),
        request=request,
    )
    return (
        chunk.encode("utf-8")
        for chunk in csv_stream(export_rows(exporter=exporter, scope=scope, filters=filters))
    )


def export_xlsx_write(
    *, exporter: Exporter, scope: Scope, filters: StatsFilters, target, progress=None
) -> int:
    """Write the export as an XLSX workbook (openpyxl write-only) to ``target``; returns the row count.

    In the active language: headers and values translated, the sheet right-to-left for Arabic,
    dates as date cells; no cell is ever a formula (``hr.spreadsheet``).
    """
    from openpyxl import Workbook

    total = exporter.count(scope=scope, filters=filters) if progress else 0
    workbook = Workbook(write_only=True)
    title = (
        "".join(c for c in str(exporter.label) if c not in "[]:*?/\\")[:31] or exporter.name[:31]
    )
    sheet = workbook.create_sheet(title=title)
    sheet.sheet_view.rightToLeft = get_language_bidi()
    sheet.append([xlsx_cell(sheet, str(h)) for h in exporter.header()])
    written = 0
    # About every 5 % (every row of a small export, at most every 2000 rows of a big one).
    step = max(1, min(2000, total // 20))
    for row in exporter.rows(scope=scope, filters=filters, typed=True):
        sheet.append(
            [
                xlsx_cell(sheet, v, number_format=DATETIME_FORMAT)
                if isinstance(v, datetime.datetime) or cell_is_dangerous(v)
                else v
                for v in row
            ]
        )
        written += 1
        if progress and written % step == 0 and total:
            progress(min(99, written * 100 // total))
    workbook.save(target)
    return written


def export_job_create(
    *,
    user,
    scope: Scope,
    exporter_name: str,
    filters: StatsFilters,
    language: str | None = None,
    request=None,
) -> ExportJob:
    """Record an XLSX export in the requester's language (the active one unless given)."""
    exporter_get(exporter_name)  # refuses unknown names
    job = ExportJob.objects.create(
        requested_by=user,
        unit=scope.unit,
        exporter=exporter_name,
        format=ExportFormat.XLSX,
        filters=filters.as_dict(),
        language=language or job_language(user=user),
    )
    audit.export_requested(
        actor=user,
        export=exporter_name,
        file_format="xlsx",
        unit=scope.code,
        filters=job.filters,
        job_id=job.pk,
        request=request,
    )
    return job


def _export_build(job: ExportJob) -> None:
    # The scope is checked again with today's rights of the person who asked.
    scope = Scope(visibility=visibility_for(job.requested_by), unit=job.unit)
    exporter = exporter_get(job.exporter)
    filters = StatsFilters.from_dict(job.filters)
    file_name = export_file_name(exporter=exporter, scope=scope, file_format="xlsx")
    storage = storages["private"]
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as tmp:
        tmp_path = tmp.name
    try:
        rows = export_xlsx_write(
            exporter=exporter,
            scope=scope,
            filters=filters,
            target=tmp_path,
            progress=lambda percent: job_progress(job, percent=percent),
        )
        # Restartable: a run killed after storing its file left it under this job's folder;
        # the new run replaces it, so one export has one file.
        folder = f"hr-exports/{job.pk}"
        if storage.exists(folder):
            for stale in storage.listdir(folder)[1]:
                storage.delete(f"{folder}/{stale}")
        with open(tmp_path, "rb") as fh:
            stored = storage.save(f"{folder}/{file_name}", File(fh))
    finally:
        os.unlink(tmp_path)
    job.rows, job.file_name, job.file_path = rows, file_name, stored
    ExportJob.objects.filter(pk=job.pk).update(rows=rows, file_name=file_name, file_path=stored)


def export_job_run(*, job_id: int) -> ExportJob | None:
    """The task body: claim the job, build the XLSX in private storage under the requester's
    language, reporting progress on the job row. ``None`` when another worker has the job or it
    is finished."""
    return job_run(ExportJob, job_id=job_id, body=_export_build)


def export_link_max_age() -> int:
    return int(getattr(settings, "HR_EXPORT_LINK_MAX_AGE", 24 * 3600))


def export_download_token(*, job: ExportJob) -> str:
    return signing.TimestampSigner(salt=SIGNING_SALT).sign(str(job.pk))


def export_job_from_token(*, token: str) -> ExportJob | None:
    """The job a download link points to, or None when the link is forged or expired."""
    try:
        job_id = signing.TimestampSigner(salt=SIGNING_SALT).unsign(
            token, max_age=export_link_max_age()
        )
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


# --- training campaigns -------------------------------------------------------------------


def campaign_export_csv(*, campaign, unit, user=None, request=None) -> Iterator[str]:
    """A campaign's compliance list as CSV (audited), in the active language."""
    from ..exporters import CAMPAIGN_EXPORTER

    audit.export_requested(
        actor=user,
        export=CAMPAIGN_EXPORTER.name,
        file_format="csv",
        unit=unit.code if unit else "national",
        filters={"campaign": campaign.pk},
        request=request,
    )
    rows = [CAMPAIGN_EXPORTER.header(), *CAMPAIGN_EXPORTER.rows(campaign=campaign, unit=unit)]
    return csv_stream(iter(rows))


def campaign_export_xlsx(*, campaign, unit, target, user=None, request=None) -> int:
    """A campaign's compliance list as an XLSX workbook written to ``target`` (audited): text
    cells never formulas, dates as dates, right-to-left in Arabic. Returns the row count."""
    from openpyxl import Workbook

    from ..exporters import CAMPAIGN_EXPORTER

    audit.export_requested(
        actor=user,
        export=CAMPAIGN_EXPORTER.name,
        file_format="xlsx",
        unit=unit.code if unit else "national",
        filters={"campaign": campaign.pk},
        request=request,
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=f"campaign-{campaign.pk}")
    sheet.sheet_view.rightToLeft = get_language_bidi()
    sheet.append([xlsx_cell(sheet, h) for h in CAMPAIGN_EXPORTER.header()])
    written = 0
    for row in CAMPAIGN_EXPORTER.rows(campaign=campaign, unit=unit, typed=True):
        sheet.append(
            [
                xlsx_cell(sheet, v, number_format="yyyy-mm-dd")
                if isinstance(v, (str, datetime.date))
                else v
                for v in row
            ]
        )
        written += 1
    workbook.save(target)
    return written
