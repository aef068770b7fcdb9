"""Staff import: parse a CSV or XLSX of employees, plan every row, apply all or nothing.

The same functions serve the upload page, its task and ``manage.py import_staff``.

Rules the dry run (``staff_import_plan``) checks, so that applying never fails on them:

- **Matricules** are identifiers compared without regard to case (``BRK-1001`` and
  ``brk-1001`` are one employee: the account's username is the lower-cased matricule).
  Leading zeros count: ``00125`` and ``125`` are two different matricules. Because a
  spreadsheet silently turns ``00125`` into ``125``, one file may not hold both (the row is
  refused: format the column as text). E-mails and usernames are compared without case too.
- **Scope**: an officer creates and updates learners of units in their scope only. An
  account with no unit is in nobody's scope. An import never changes the e-mail, username or
  password of an account with any role beyond learner (staff, superuser, HR scope, any
  group): such rows are refused. When a learner's e-mail changes, the dry run shows it, and
  the old address is told once applied (``hr.services.notices``).
- **Spreadsheet safety**: cells are read as values, never formulas; a cell starting like a
  formula or a spreadsheet command (``=``, ``+``, ``-``, ``@``, tab, carriage return) is
  refused. Values longer than their column, or with control characters, are refused.
- A **title row** above the header is allowed: the header is the first of the first ten
  rows holding every required column (the template has the column names in the officer's
  language above the technical ones).
"""

from __future__ import annotations

import csv
import datetime
import io
from collections import Counter
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from academy.accounts.models import HRScope, User
from academy.accounts.selectors import Visibility
from academy.accounts.services import user_move_unit
from academy.core.jobs import JobStatus, JobTakenOver, job_finish, job_language, job_run
from academy.territories.models import Territory

from ..models import StaffImportJob
from ..spreadsheet import cell_is_dangerous
from . import audit
from .notices import email_change_notice_queue

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
OPTIONAL_COLUMNS = ("unit_since",)
# The column names in the officer's language, shown next to the technical ones (template file,
# upload page).
COLUMN_LABELS = {
    "matricule": gettext_lazy("Employee number"),
    "last_name": gettext_lazy("Last name"),
    "first_name": gettext_lazy("First name"),
    "last_name_ar": gettext_lazy("Last name (Arabic)"),
    "first_name_ar": gettext_lazy("First name (Arabic)"),
    "email": gettext_lazy("E-mail"),
    "unit_code": gettext_lazy("Unit code"),
    "job_title": gettext_lazy("Job title"),
    "unit_since": gettext_lazy("In the unit since (YYYY-MM-DD)"),
}
NAME_COLUMNS = ("last_name", "first_name", "last_name_ar", "first_name_ar")
UPDATED_FIELDS = ("last_name", "first_name", "last_name_ar", "first_name_ar", "email", "job_title")
XLSX_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 10
MAX_LENGTH = {"matricule": 32, "email": 254, "job_title": 200, "unit_code": 20, "unit_since": 10}
MAX_LENGTH.update({name: 150 for name in NAME_COLUMNS})


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
        super().__init__(
            _("%(n)d row(s) have errors; nothing was changed.") % {"n": plan.error_count}
        )


@dataclass
class PlannedRow:
    line: int
    values: dict[str, str]
    action: str = Action.UNCHANGED
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    from_unit: str = ""
    to_unit: str = ""
    old_email: str = ""  # set when the row changes an existing account's e-mail
    user_id: int | None = None
    unit_id: int | None = None

    @property
    def email_changed(self) -> bool:
        return bool(self.old_email)


@dataclass
class StaffPlan:
    rows: list[PlannedRow]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        counts = {
            a: counted.get(a, 0)
            for a in (Action.CREATE, Action.UPDATE, Action.MOVE, Action.UNCHANGED, Action.ERROR)
        }
        counts["email_changes"] = sum(
            1 for row in self.rows if row.email_changed and not row.errors
        )
        return counts

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and self.error_count == 0

    @property
    def email_changes(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.email_changed]

    def as_dict(self) -> dict:
        return {
            "counts": self.counts,
            "rows": [
                {k: v for k, v in asdict(row).items() if k not in ("user_id", "unit_id")}
                for row in self.rows
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
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip(" \u00a0")


def _records_csv(raw: bytes) -> list[list[str]]:
    text = _decode_csv(raw)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        return [
            [c.strip(" \u00a0") for c in r]
            for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise StaffFileError(
            [_("the CSV file cannot be read (%(error)s).") % {"error": exc}]
        ) from exc


def _records_xlsx(raw: bytes) -> list[list[str]]:
    """Values of the first sheet; a cell holding a formula is read as its formula text (and
    then refused by the plan), never computed."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            return [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    except StaffFileError:
        raise
    except Exception as exc:  # any damage in an untrusted workbook is the same clear refusal
        raise StaffFileError(
            [_("the Excel file cannot be read (%(error)s).") % {"error": exc.__class__.__name__}]
        ) from exc


def _header_index(rows: list[list[str]]) -> int | None:
    """The header is the first of the first rows holding every required column: a title row
    (or the template's row of translated column names) may sit above it."""
    for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS]):
        names = {c.strip().lower() for c in cells}
        if all(c in names for c in REQUIRED_COLUMNS):
            return i
    return None


def staff_file_read(*, raw: bytes, file_name: str = "") -> list[tuple[int, dict[str, str]]]:
    """(line, values) of every non-empty row; raises ``StaffFileError`` for an unreadable file."""
    if raw.startswith(XLSX_MAGIC) or file_name.lower().endswith(".xlsx"):
        rows = _records_xlsx(raw)
    else:
        rows = _records_csv(raw)
    rows = [[str(c) for c in r] for r in rows]
    start = _header_index(rows)
    if start is None:
        first = next((r for r in rows if any(r)), [])
        names = {c.strip().lower() for c in first}
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        raise StaffFileError(
            [
                _(
                    "line 1: missing column(s): %(columns)s. The header row must hold the technical "
                    "column names (see the template file); one title row above it is allowed."
                )
                % {"columns": ", ".join(missing)}
            ]
        )
    header = [c.strip().lower() for c in rows[start]]
    index = {
        name: header.index(name)
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        if name in header
    }
    result = []
    for line, cells in enumerate(rows[start + 1 :], start=start + 2):
        if not any(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "") for name, i in index.items()}
        result.append((line, values))
    if not result:
        raise StaffFileError([_("the file has no rows.")])
    return result


def staff_file_matricules(*, raw: bytes, file_name: str = "") -> list[str]:
    """The employee numbers of a staff file (CSV or XLSX) with at least a ``matricule`` column,
    e.g. the staff-import file: a campaign's audience by file. ``StaffFileError`` otherwise."""
    if raw.startswith(XLSX_MAGIC) or file_name.lower().endswith(".xlsx"):
        rows = _records_xlsx(raw)
    else:
        rows = _records_csv(raw)
    rows = [[str(c).strip() for c in r] for r in rows]
    header = next(
        (i for i, cells in enumerate(rows[:HEADER_SEARCH_ROWS])
         if "matricule" in [c.lower() for c in cells]),
        None,
    )  # fmt: skip
    if header is None:
        raise StaffFileError(
            [_("line 1: missing column(s): %(columns)s.") % {"columns": "matricule"}]
        )
    column = [c.lower() for c in rows[header]].index("matricule")
    values = []
    for line, cells in enumerate(rows[header + 1 :], start=header + 2):
        value = cells[column] if column < len(cells) else ""
        if not value:
            continue
        if len(value) > MAX_LENGTH["matricule"] or _has_control_characters(value):
            raise StaffFileError(
                [_("line %(line)d: the employee number is not valid.") % {"line": line}]
            )
        values.append(value)
    if not values:
        raise StaffFileError([_("the file has no rows.")])
    return values


# --- planning -----------------------------------------------------------------------------


def _privileged_ids(user_ids: set[int]) -> set[int]:
    """Accounts with any role beyond learner: staff, superuser, HR scope, any group."""
    if not user_ids:
        return set()
    ids = set(
        User.objects.filter(pk__in=user_ids).filter(is_staff=True).values_list("pk", flat=True)
    )
    ids |= set(User.objects.filter(pk__in=user_ids, is_superuser=True).values_list("pk", flat=True))
    ids |= set(HRScope.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    ids |= set(
        User.groups.through.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    ids |= set(
        User.user_permissions.through.objects.filter(user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    )
    return ids


def _has_control_characters(value: str) -> bool:
    return any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value)


def _check_cells(values: dict[str, str], errors: list[str]) -> None:
    for name, value in values.items():
        if cell_is_dangerous(value) or value[:1] in ("\t", "\r"):
            errors.append(
                _(
                    "%(column)s starts with “%(char)s”: formulas and spreadsheet commands are not "
                    "accepted (type the value itself)"
                )
                % {"column": name, "char": value[:1].replace("\t", "⇥").replace("\r", "↵")}
            )
        elif _has_control_characters(value):
            errors.append(_("%(column)s contains control characters") % {"column": name})
        elif len(value) > MAX_LENGTH.get(name, 255):
            errors.append(
                _("%(column)s is longer than %(max)d characters")
                % {"column": name, "max": MAX_LENGTH.get(name, 255)}
            )


def staff_import_plan(*, raw: bytes, visibility: Visibility, file_name: str = "") -> StaffPlan:
    """What applying the file would do, row by row, with every error. Writes nothing."""
    records = staff_file_read(raw=raw, file_name=file_name)

    def lookable(value: str) -> bool:
        # A value with control characters is refused by ``_check_cells``; it is never looked
        # up either (PostgreSQL refuses a NUL byte in a query).
        return bool(value) and not _has_control_characters(value)

    codes = {v["unit_code"] for _line, v in records if lookable(v["unit_code"])}
    units = {t.code: t for t in Territory.objects.filter(code__in=codes)}
    keys = {v["matricule"].lower() for _line, v in records if lookable(v["matricule"])}
    existing: dict[str, User] = {}
    for user in (
        User.objects.annotate(matricule_key=Lower("matricule"))
        .filter(matricule_key__in=keys)
        .select_related("unit")
    ):
        existing[user.matricule_key] = user
    privileged = _privileged_ids({u.pk for u in existing.values()})
    emails = {v["email"].lower() for _line, v in records if lookable(v["email"])}
    email_owners: dict[str, set[int]] = {}
    for email, pk in (
        User.objects.annotate(email_key=Lower("email"))
        .filter(email_key__in=emails)
        .values_list("email_key", "pk")
    ):
        email_owners.setdefault(email, set()).add(pk)
    # A new account takes its lower-cased matricule as username: it must be free, whatever the case.
    taken_usernames = set(
        User.objects.annotate(username_key=Lower("username"))
        .filter(username_key__in=keys)
        .values_list("username_key", flat=True)
    )

    first_line_of: dict[str, int] = {}
    zero_less_line: dict[str, tuple[int, str]] = {}
    first_email_line: dict[str, int] = {}
    rows: list[PlannedRow] = []
    for line, values in records:
        row = PlannedRow(line=line, values=values)
        errors = row.errors
        _check_cells(values, errors)
        matricule = values["matricule"]
        key = matricule.lower()
        if not matricule:
            errors.append(_("the matricule is empty"))
        elif len(matricule) > 32:
            pass  # reported by _check_cells
        elif key in first_line_of:
            errors.append(
                _(
                    "matricule %(m)s is already on line %(line)d of the file (capitals do not make a new matricule)"
                )
                % {"m": matricule, "line": first_line_of[key]}
            )
        else:
            first_line_of[key] = line
            stripped = key.lstrip("0")
            other = zero_less_line.get(stripped)
            if other is not None and other[1] != key:
                errors.append(
                    _(
                        "matricules %(m)s and %(other)s (line %(line)d) differ only by leading zeros: "
                        "a spreadsheet may have dropped them; format the column as text"
                    )
                    % {"m": matricule, "other": other[1], "line": other[0]}
                )
            else:
                zero_less_line.setdefault(stripped, (line, key))
        for name in NAME_COLUMNS:
            if not values[name]:
                errors.append(_("missing name: %(column)s is empty") % {"column": name})
        email = values["email"].lower()
        values["email"] = email
        user = existing.get(key) if matricule else None
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
                if email_owners.get(email, set()) - ({user.pk} if user else set()):
                    errors.append(
                        _("email %(email)s belongs to another account") % {"email": email}
                    )
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
                errors.append(
                    _("unit_since %(value)s is not a date (YYYY-MM-DD)") % {"value": unit_since}
                )

        if user is not None:
            if user.unit is None:
                # Platform accounts (administrators, trainers) have no unit: nobody's scope.
                errors.append(
                    _(
                        "matricule %(m)s belongs to an account with no unit, which no staff import may change"
                    )
                    % {"m": matricule}
                )
            elif not visibility.includes(user.unit):
                errors.append(
                    _("employee %(m)s belongs to a unit outside your scope") % {"m": matricule}
                )
            elif user.pk in privileged and (user.email or "").lower() != email:
                errors.append(
                    _(
                        "the e-mail of %(m)s cannot be changed by an import: this account has roles beyond "
                        "learner; an administrator must change it"
                    )
                    % {"m": matricule}
                )
        if user is None and key and key in taken_usernames:
            errors.append(_("the username %(u)s is already taken by another account") % {"u": key})

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
            if "email" in row.changes:
                if (user.email or "").lower() == email:
                    row.changes.remove("email")  # only the case differs: keep the address as it is
                else:
                    row.old_email = user.email or ""
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
    """Apply the file, all or nothing: any bad row raises ``StaffImportRefused`` and nothing changes.

    Learners whose e-mail changed are told at their old address once the import is committed."""
    effective_on = effective_on or timezone.localdate()
    with transaction.atomic():
        plan = staff_import_plan(raw=raw, visibility=visibility, file_name=file_name)
        if not plan.ok:
            raise StaffImportRefused(plan)
        units = {t.pk: t for t in Territory.objects.filter(pk__in={r.unit_id for r in plan.rows})}
        users = {
            u.pk: u
            for u in User.objects.select_for_update().filter(
                pk__in={r.user_id for r in plan.rows if r.user_id}
            )
        }
        total = len(plan.rows)
        for done, row in enumerate(plan.rows, start=1):
            values = row.values
            moved_on = (
                datetime.date.fromisoformat(values["unit_since"])
                if values.get("unit_since")
                else effective_on
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
                if row.email_changed:
                    email_change_notice_queue(user=user, old_email=row.old_email)
                if row.action == Action.MOVE:
                    user_move_unit(user=user, unit=unit, moved_on=moved_on)
            if progress is not None and (done % 200 == 0 or done == total):
                progress(done * 100 // total)
    return plan


def staff_import_job_create(
    *, user, raw: bytes, file_name: str, effective_on: datetime.date, language: str | None = None
) -> StaffImportJob:
    """Record an uploaded file; it waits (``DRAFT``) for its dry run to be approved."""
    return StaffImportJob.objects.create(
        requested_by=user,
        raw=raw,
        file_name=file_name[:255],
        effective_on=effective_on,
        status=JobStatus.DRAFT,
        language=language or job_language(user=user),
    )


def staff_import_job_queue(*, job: StaffImportJob) -> bool:
    """The officer approved the dry run: queue the import once (a second click does nothing)."""
    from ..tasks import staff_import_task

    queued = StaffImportJob.objects.filter(pk=job.pk, status=JobStatus.DRAFT).update(
        status=JobStatus.PENDING
    )
    if queued:
        staff_import_task.delay_on_commit(job.pk)
    return bool(queued)


def _staff_import_body(job: StaffImportJob) -> None:
    from academy.accounts.selectors import visibility_for

    key = _progress_key(job.pk)

    def progress(percent: int) -> None:
        cache.set(key, percent, 3600)

    try:
        with transaction.atomic():
            # The job row stays locked until the import commits with its DONE: a redelivered
            # task's claim waits, then finds the job finished (exactly once).
            mine = StaffImportJob.objects.select_for_update().filter(
                pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts
            )
            if not list(mine.values_list("pk", flat=True)):
                raise JobTakenOver
            plan = staff_import_apply(
                raw=bytes(job.raw),
                visibility=visibility_for(job.requested_by),
                effective_on=job.effective_on,
                file_name=job.file_name,
                progress=progress,
            )
            job_finish(job, applied=True, summary=plan.as_dict())
            audit.import_applied(
                actor=job.requested_by,
                job=job,
                file_name=job.file_name,
                counts=plan.counts,
                email_changes=plan.counts["email_changes"],
            )
    except StaffImportRefused as exc:
        job_finish(job, status=JobStatus.FAILED, message=str(exc), summary=exc.plan.as_dict())
    except StaffFileError as exc:
        job_finish(job, status=JobStatus.FAILED, message=str(exc))
    finally:
        cache.delete(key)


def staff_import_job_run(*, job_id: int) -> StaffImportJob | None:
    """Run an approved import (the task body): claimed once, applied in one transaction with its
    DONE; any failure marks the job FAILED with a message in the officer's language."""
    job = job_run(StaffImportJob, job_id=job_id, body=_staff_import_body)
    return job
