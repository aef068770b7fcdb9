"""Property-based tests of the staff-import reader: whatever the file, the only failure is the
clear refusal, and a refused import leaves nothing behind."""

import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from academy.accounts.models import User
from academy.accounts.selectors import Visibility
from hr.services import StaffFileError, StaffImportRefused, staff_import_apply, staff_import_plan

from .test_staff_import import HEADER

EVERYTHING = Visibility(everything=True)
SETTINGS = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "=1+1",
            "+1",
            "-x",
            "@a",
            "\t",
            "\r",
            "00125",
            "125",
            "BRK-1",
            "brk-1",
            "a@example.ma",
            "A@EXAMPLE.MA",
            "R10000",
            "2026-02-30",
            "2026-01-05",
            "\x00",
            "x" * 300,
        ]
    ),
)


# Plausible values, with the traps mixed in: most rows are valid, and collisions (case,
# leading zeros, shared e-mails) are frequent.
def mostly(*plausible):
    """A plausible value five times out of six, anything otherwise."""
    return st.one_of(*([st.sampled_from(plausible)] * 5), cell)


COLUMN_VALUES = {
    "matricule": mostly(*["BRK-1", "brk-1", "00125", "125"]),
    "email": mostly(
        *[
            "a@example.ma",
            "A@example.ma",
            "b@example.ma",
            "c@example.ma",
            "d@example.ma",
            "e@example.ma",
        ]
    ),
    "last_name": mostly(*["Alami", "Tazi", "El Idrissi"]),
    "first_name": mostly(*["Karim", "Nadia"]),
    "last_name_ar": mostly(*["العلمي", "التازي"]),
    "first_name_ar": mostly(*["كريم", "نادية"]),
    "job_title": mostly(*["Technicien", "Ingénieure", ""]),
}


@pytest.fixture
def units(small_tree):
    return [t.code for t in small_tree.values()]


def _check(raw: bytes, file_name: str) -> None:
    before = User.objects.count()
    try:
        plan = staff_import_plan(raw=raw, visibility=EVERYTHING, file_name=file_name)
    except StaffFileError as exc:
        assert exc.errors and all(isinstance(e, str) and e for e in exc.errors)
        return
    assert all(r.action == "error" or not r.errors for r in plan.rows)
    with transaction.atomic():
        try:
            applied = staff_import_apply(raw=raw, visibility=EVERYTHING, file_name=file_name)
        except StaffImportRefused as exc:
            assert not plan.ok and exc.plan.error_count == plan.error_count
            assert User.objects.count() == before  # nothing half done
        else:
            assert plan.ok  # the dry run said yes: applying succeeded
            assert User.objects.count() == before + applied.counts["create"]
        transaction.set_rollback(True)


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_any_bytes_are_read_or_clearly_refused(units, raw):
    _check(raw, "staff.csv")
    _check(b"PK\x03\x04" + raw, "staff.xlsx")


@SETTINGS
@given(data=st.data())
def test_any_grid_of_cells_is_planned_and_applied_or_refused_whole(units, data):
    columns = HEADER.split(",")
    rows = data.draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    c: (st.sampled_from(units) if c == "unit_code" else COLUMN_VALUES[c])
                    for c in columns
                }
            ),
            min_size=1,
            max_size=6,
        )
    )
    as_xlsx = data.draw(st.booleans())
    if as_xlsx:
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(columns)
        for r in rows:
            try:
                sheet.append([r[c] for c in columns])
            except IllegalCharacterError:  # openpyxl cannot write control characters: no such file
                return
        buffer = io.BytesIO()
        workbook.save(buffer)
        _check(buffer.getvalue(), "staff.xlsx")
    else:
        out = io.StringIO()
        import csv

        writer = csv.writer(out)
        writer.writerow(columns)
        writer.writerows([r[c] for c in columns] for r in rows)
        _check(out.getvalue().encode("utf-8"), "staff.csv")
