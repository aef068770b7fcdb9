"""Writes of the HR app (one import surface)."""

from .exports import (
    csv_stream,
    export_csv_stream,
    export_download_token,
    export_files_purge,
    export_job_create,
    export_job_from_token,
    export_job_run,
    export_xlsx_write,
)
from .staff_import import (
    Action,
    PlannedRow,
    StaffFileError,
    StaffImportRefused,
    StaffPlan,
    staff_file_read,
    staff_import_apply,
    staff_import_job_create,
    staff_import_job_run,
    staff_import_plan,
    staff_import_progress,
)

__all__ = [
    "csv_stream",
    "export_csv_stream",
    "export_download_token",
    "export_files_purge",
    "export_job_create",
    "export_job_from_token",
    "export_job_run",
    "export_xlsx_write",
    "Action",
    "PlannedRow",
    "StaffFileError",
    "StaffImportRefused",
    "StaffPlan",
    "staff_file_read",
    "staff_import_apply",
    "staff_import_job_create",
    "staff_import_job_run",
    "staff_import_plan",
    "staff_import_progress",
]
