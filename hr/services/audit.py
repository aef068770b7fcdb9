"""The HR app's audited events, each written in one place, recorded in the platform's audit
log (``academy.audit.services.audit_record``: who, when, what, from where):

- ``export_requested``: an export (streamed CSV or XLSX job) was asked for;
- ``import_applied``: a staff import was applied (with its counts).
"""

from __future__ import annotations

from academy.audit.models import AuditAction
from academy.audit.services import audit_record


def export_requested(
    *, actor, export: str, file_format: str, unit: str, filters: dict, job_id=None, request=None
) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        data={
            "export": export,
            "format": file_format,
            "unit": unit,
            "filters": filters,
            "job": job_id,
        },
        request=request,
    )


def import_applied(*, actor, job, file_name: str, counts: dict, email_changes: int) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        target=job,
        data={"job": job.pk, "file": file_name, "counts": counts, "email_changes": email_changes},
    )
