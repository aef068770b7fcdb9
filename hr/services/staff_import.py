"""Staff import: parse a CSV or XLSX of employees, plan every row, apply all or nothing.

The same functions serve the upload page, its task and ``manage.py import_staff``.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.accounts.models import User
from academy.accounts.selectors import Visibility
from academy.accounts.services import user_move_unit
from academy.territories.models import Territory

from ..models import JobStatus, StaffImportJob

REQUIRED_COLUMNS = (
    "matricule",
    "last_name",
    "first_name",
    "last_name_ar",
    "first_name_ar",
    "email",
    "unit_code",
    "job_title",
)
NAME_COLUMNS = ("last_name", "first_name", "last_name_ar", "first_name_ar")
UPDATED_FIELDS = ("last_name", "first_name", "last_name_ar", "first_name_ar", "email", "job_title")
XLSX_MAGIC = b"PK\x03\x04"


class Action:
    CREATE = "create"
    UPDATE = "update"
    MOVE = "move"
    UNCHANGED = "unchanged"
    ERROR = "error"


class StaffFileError(Exception):
    """The whole file is unreadable (encoding, format, missing column). Nothing was changed."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


class StaffImportRefused(Exception):
    """At least one row is wrong: nothing was applied."""

    def __init__(self, plan: StaffPlan):
        self.plan = plan
        super().__init__(_("%(n)d row(s) have errors; nothing was changed.") % {"n": plan.error_count})


@dataclass
class PlannedRow:
    line: int
    values: dict[str, str]
    action: str = Action.UNCHANGED
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    from_unit: str = ""
    to_unit: str = ""
    user_id: int | None = None
    unit_id: int | None = None


@dataclass
class StaffPlan:
    rows: list[PlannedRow]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        return {a: counted.get(a, 0) for a in (Action.CREATE, Action.UPDATE, Action.MOVE, Action.UNCHANGED, Action.ERROR)}

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.error_count == 0

    def as_dict(self) -> dict:
        return {
            "counts": self.counts,
            "rows": [
                {k: v for k, v in asdict(row).items() if k not in ("user_id", "unit_id")} for row in self.rows
            ],
        }


# --- reading ----------------------------------------------------------------------------


def _decode_csv(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise StaffFileError(
            [
                _(
                    "line %(line)d: the file is not in UTF-8 (byte %(byte)d). Save it as "
                    "“CSV UTF-8” or as an Excel workbook (.xlsx)."
                )
                % {"line": line, "byte": exc.start}
            ]
        ) from exc
    return text.removeprefix("\ufeff")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _records_csv(raw: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    text = _decode_csv(raw)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        return [], []
    header = [h.strip().lower() for h in rows[0]]
    return header, [(i, [c.strip() for c in r]) for i, r in enumerate(rows[1:], start=2)]


def _records_xlsx(raw: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise StaffFileError([_("the Excel file cannot be read (%(error)s).") % {"error": exc}]) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not rows:
        return [], []
    header = [h.lower() for h in rows[0]]
    return header, list(enumerate(rows[1:], start=2))


def staff_file_read(*, raw: bytes, file_name: str = "") -> list[tuple[int, dict[str, str]]]:
    """(line, values) of every non-empty row; raises ``StaffFileError`` for an unreadable file."""
    if raw.startswith(XLSX_MAGIC) or file_name.lower().endswith(".xlsx"):
        header, records = _records_xlsx(raw)
    else:
        header, records = _records_csv(raw)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise StaffFileError([_("line 1: missing column(s): %(columns)s") % {"columns": ", ".join(missing)}])
    index = {name: header.index(name) for name in (*REQUIRED_COLUMNS, "unit_since") if name in header}
    result = []
    for line, cells in records:
        if not any(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for name, i in index.items()}
        result.append((line, values))
    if not result:
        raise StaffFileError([_("the file has no rows.")])
    return result


# --- planning -----------------------------------------------------------------------------


def staff_import_plan(*, raw: bytes, visibility: Visibility, file_name: str = "") -> StaffPlan:
    """What applying the file would do, row by row, with every error. Writes nothing."""
    records = staff_file_read(raw=raw, file_name=file_name)
    codes = {v["unit_code"] for _line, v in records if v["unit_code"]}
    units = {t.code: t for t in Territory.objects.filter(code__in=codes)}
    matricules = {v["matricule"] for _line, v in records if v["matricule"]}
    existing = {u.matricule: u for u in User.objects.filter(matricule__in=matricules).select_related("unit")}
    emails = {v["email"].lower() for _line, v in records if v["email"]}
    email_owners: dict[str, set[str | None]] = {}
    for email, matricule in User.objects.filter(email__in=emails).values_list("email", "matricule"):
        email_owners.setdefault(email.lower(), set()).add(matricule)
    # A new account takes its matricule as username: it must be free.
    taken_usernames = set(
        User.objects.filter(username__in={m.lower() for m in matricules}).values_list("username", flat=True)
    )

    first_line_of: dict[str, int] = {}
    first_email_line: dict[str, int] = {}
    rows: list[PlannedRow] = []
    for line, values in records:
        row = PlannedRow(line=line, values=values)
        errors = row.errors
        matricule = values["matricule"]
        if not matricule:
            errors.append(_("the matricule is empty"))
        elif len(matricule) > 32:
            errors.append(_("the matricule is longer than 32 characters"))
        elif matricule in first_line_of:
            errors.append(
                _("matricule %(m)s is already on line %(line)d of the file")
                % {"m": matricule, "line": first_line_of[matricule]}
            )
        else:
            first_line_of[matricule] = line
        for name in NAME_COLUMNS:
            if not values[name]:
                errors.append(_("missing name: %(column)s is empty") % {"column": name})
        email = values["email"].lower()
        values["email"] = email
        if not email:
            errors.append(_("the email is empty"))
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(_("bad email %(email)s") % {"email": values["email"]})
            else:
                if email in first_email_line:
                    errors.append(
                        _("email %(email)s is already on line %(line)d of the file")
                        % {"email": email, "line": first_email_line[email]}
                    )
                else:
                    first_email_line[email] = line
                if email_owners.get(email, set()) - {matricule}:
                    errors.append(_("email %(email)s belongs to another account") % {"email": email})
        unit = units.get(values["unit_code"])
        if not values["unit_code"]:
            errors.append(_("the unit code is empty"))
        elif unit is None:
            errors.append(_("unknown unit code %(code)s") % {"code": values["unit_code"]})
        elif not visibility.includes(unit):
            errors.append(_("unit %(code)s is outside your scope") % {"code": unit.code})
        unit_since = values.get("unit_since", "")
        if unit_since:
            try:
                datetime.date.fromisoformat(unit_since)
            except ValueError:
                errors.append(_("unit_since %(value)s is not a date (YYYY-MM-DD)") % {"value": unit_since})

        user = existing.get(matricule)
        if user is not None and not visibility.includes(user.unit):
            errors.append(_("employee %(m)s belongs to a unit outside your scope") % {"m": matricule})
        if user is None and matricule and matricule.lower() in taken_usernames:
            errors.append(_("the username %(u)s is already taken by another account") % {"u": matricule.lower()})

        if errors:
            row.action = Action.ERROR
        elif user is None:
            row.action = Action.CREATE
            row.to_unit = unit.code
            row.unit_id = unit.pk
        else:
            row.user_id = user.pk
            row.unit_id = unit.pk
            row.changes = [f for f in UPDATED_FIELDS if (getattr(user, f) or "") != values[f]]
            if user.unit_id != unit.pk:
                row.action = Action.MOVE
                row.from_unit = user.unit.code if user.unit else ""
                row.to_unit = unit.code
            elif row.changes:
                row.action = Action.UPDATE
            else:
                row.action = Action.UNCHANGED
        rows.append(row)
    return StaffPlan(rows=rows)


# --- applying -----------------------------------------------------------------------------


def _progress_key(job_id: int) -> str:
    return f"hr:staff-import:{job_id}:percent"


def staff_import_progress(*, job: StaffImportJob) -> int:
    """Live percent of a running import (written outside its transaction, in the cache)."""
    if job.status == JobStatus.RUNNING:
        return int(cache.get(_progress_key(job.pk), job.percent))
    return job.percent


def staff_import_apply(
    *,
    raw: bytes,
    visibility: Visibility,
    effective_on: datetime.date | None = None,
    file_name: str = "",
    progress=None,
) -> StaffPlan:
    """Apply the file, all or nothing: any bad row raises ``StaffImportRefused`` and nothing changes."""
    effective_on = effective_on or timezone.localdate()
    with transaction.atomic():
        plan = staff_import_plan(raw=raw, visibility=visibility, file_name=file_name)
        if not plan.ok:
            raise StaffImportRefused(plan)
        units = {t.pk: t for t in Territory.objects.filter(pk__in={r.unit_id for r in plan.rows})}
        users = {
            u.pk: u
            for u in User.objects.select_for_update().filter(pk__in={r.user_id for r in plan.rows if r.user_id})
        }
        total = len(plan.rows)
        for done, row in enumerate(plan.rows, start=1):
            values = row.values
            moved_on = (
                datetime.date.fromisoformat(values["unit_since"]) if values.get("unit_since") else effective_on
            )
            unit = units[row.unit_id]
            if row.action == Action.CREATE:
                user = User(
                    username=values["matricule"].lower(),
                    matricule=values["matricule"],
                    unit=unit,
                    unit_since=moved_on,
                    **{f: values[f] for f in UPDATED_FIELDS},
                )
                user.set_unusable_password()
                user.save()
            elif row.action in (Action.UPDATE, Action.MOVE):
                user = users[row.user_id]
                if row.changes:
                    for f in row.changes:
                        setattr(user, f, values[f])
                    user.save(update_fields=row.changes)
                if row.action == Action.MOVE:
                    user_move_unit(user=user, unit=unit, moved_on=moved_on)
            if progress is not None and (done % 200 == 0 or done == total):
                progress(done * 100 // total)
    return plan


def staff_import_job_create(*, user, raw: bytes, file_name: str, effective_on: datetime.date) -> StaffImportJob:
    return StaffImportJob.objects.create(
        created_by=user, raw=raw, file_name=file_name[:255], effective_on=effective_on
    )


def staff_import_job_run(*, job_id: int) -> StaffImportJob:
    """Run an uploaded import (the task body): status, percent and summary go on the job row."""
    from academy.accounts.selectors import visibility_for

    job = StaffImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status in (JobStatus.RUNNING, JobStatus.DONE):
        return job
    StaffImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, percent=0)
    job.status = JobStatus.RUNNING
    key = _progress_key(job.pk)

    def progress(percent: int) -> None:
        cache.set(key, percent, 3600)

    try:
        plan = staff_import_apply(
            raw=bytes(job.raw),
            visibility=visibility_for(job.created_by),
            effective_on=job.effective_on,
            file_name=job.file_name,
            progress=progress,
        )
    except StaffImportRefused as exc:
        job.status, job.error, job.summary = JobStatus.FAILED, str(exc), exc.plan.as_dict()
    except StaffFileError as exc:
        job.status, job.error = JobStatus.FAILED, str(exc)
    else:
        job.status, job.applied, job.percent, job.summary = JobStatus.DONE, True, 100, plan.as_dict()
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "summary", "applied", "percent", "finished_at"])
    cache.delete(key)
    return job
