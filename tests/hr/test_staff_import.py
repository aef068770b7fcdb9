import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from academy.accounts.models import UnitMove, User
from academy.accounts.selectors import Visibility, visibility_for
from hr.models import JobStatus, StaffImportJob
from hr.services import (
    StaffFileError,
    StaffImportRefused,
    staff_import_apply,
    staff_import_job_create,
    staff_import_job_run,
    staff_import_plan,
)
from tests import factories

HEADER = "matricule,last_name,first_name,last_name_ar,first_name_ar,email,unit_code,job_title"
EVERYTHING = Visibility(everything=True)

@pytest.fixture(autouse=True)
def english():
    """Messages and headers are checked by their English msgids here (French and Arabic: test_views)."""
    with translation.override("en"):
        yield



def csv_bytes(*lines, header=HEADER, bom=True):
    text = "\n".join([header, *lines]) + "\n"
    return (("\ufeff" if bom else "") + text).encode("utf-8")


def row(matricule, unit, *, email=None, last="Alami", first="Karim", last_ar="العلمي", first_ar="كريم", job="Technicien"):
    email = email if email is not None else f"{matricule.lower()}@example.ma"
    return f"{matricule},{last},{first},{last_ar},{first_ar},{email},{unit.code},{job}"


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_staff_import_plan_reports_create_update_move_and_unchanged(small_tree):
    c1, c2 = small_tree["c1"], small_tree["c2"]
    factories.UserFactory(matricule="A2", username="a2", unit=c1, last_name="Old", first_name="Karim",
                          last_name_ar="العلمي", first_name_ar="كريم", email="a2@example.ma")
    factories.UserFactory(matricule="A3", username="a3", unit=c1, last_name="Alami", first_name="Karim",
                          last_name_ar="العلمي", first_name_ar="كريم", email="a3@example.ma")
    factories.UserFactory(matricule="A4", username="a4", unit=c1, last_name="Alami", first_name="Karim",
                          last_name_ar="العلمي", first_name_ar="كريم", email="a4@example.ma")
    raw = csv_bytes(row("A1", c1), row("A2", c1), row("A3", c2), row("A4", c1))
    plan = staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert [r.action for r in plan.rows] == ["create", "update", "move", "unchanged"]
    assert plan.rows[1].changes == ["last_name"]
    assert (plan.rows[2].from_unit, plan.rows[2].to_unit) == (c1.code, c2.code)
    assert plan.ok
    assert not User.objects.filter(matricule="A1").exists()  # a dry run writes nothing


def test_staff_import_apply_creates_updates_and_moves_with_the_move_date(small_tree):
    c1, c2 = small_tree["c1"], small_tree["c2"]
    mover = factories.UserFactory(matricule="A3", username="a3", unit=c1, email="a3@example.ma")
    day = datetime.date(2026, 3, 1)
    staff_import_apply(raw=csv_bytes(row("A1", c1, last_ar="بناني"), row("A3", c2)), visibility=EVERYTHING, effective_on=day)
    created = User.objects.get(matricule="A1")
    assert created.unit == c1 and created.last_name_ar == "بناني" and created.unit_since == day
    assert not created.has_usable_password()
    mover.refresh_from_db()
    assert mover.unit == c2 and mover.unit_since == day
    move = UnitMove.objects.get(user=mover)
    assert (move.from_unit, move.to_unit, move.moved_on) == (c1, c2, day)


def test_staff_import_unit_since_column_dates_the_move(small_tree):
    c1, c2 = small_tree["c1"], small_tree["c2"]
    mover = factories.UserFactory(matricule="A3", username="a3", unit=c1, email="a3@example.ma")
    raw = csv_bytes(row("A3", c2) + ",2025-09-15", header=HEADER + ",unit_since")
    staff_import_apply(raw=raw, visibility=EVERYTHING)
    assert UnitMove.objects.get(user=mover).moved_on == datetime.date(2025, 9, 15)


@pytest.mark.parametrize(
    "bad_line, message",
    [
        ("{m},Alami,Karim,العلمي,كريم,x@example.ma,99.999,Tech", "unknown unit code 99.999"),
        ("{m},Alami,Karim,العلمي,كريم,not-an-email,{unit},Tech", "bad email"),
        ("{m},,Karim,العلمي,كريم,x@example.ma,{unit},Tech", "missing name: last_name"),
        ("{m},Alami,Karim,,كريم,x@example.ma,{unit},Tech", "missing name: last_name_ar"),
        ("{m},Alami,,العلمي,كريم,x@example.ma,{unit},Tech", "missing name: first_name"),
        (",Alami,Karim,العلمي,كريم,x@example.ma,{unit},Tech", "the matricule is empty"),
        ("OK1,Alami,Karim,العلمي,كريم,x@example.ma,{unit},Tech", "matricule OK1 is already on line 2"),
        ("{m},Alami,Karim,العلمي,كريم,ok1@example.ma,{unit},Tech", "email ok1@example.ma is already on line 2"),
        ("{m},Alami,Karim,العلمي,كريم,x@example.ma,,Tech", "the unit code is empty"),
    ],
)
def test_staff_import_refuses_every_bad_row_and_applies_nothing(small_tree, bad_line, message):
    c1 = small_tree["c1"]
    raw = csv_bytes(row("OK1", c1), bad_line.format(m="BAD1", unit=c1.code), row("OK2", c1))
    plan = staff_import_plan(raw=raw, visibility=EVERYTHING)
    bad = plan.rows[1]
    assert bad.action == "error"
    assert any(message in e for e in bad.errors), bad.errors
    assert [r.action for r in plan.rows if r is not bad] == ["create", "create"]
    with pytest.raises(StaffImportRefused):
        staff_import_apply(raw=raw, visibility=EVERYTHING)
    assert not User.objects.filter(matricule__in=["OK1", "OK2", "BAD1"]).exists()


def test_staff_import_refuses_email_of_another_account(small_tree):
    factories.UserFactory(matricule="Z9", username="z9", email="taken@example.ma", unit=small_tree["c1"])
    plan = staff_import_plan(raw=csv_bytes(row("N1", small_tree["c1"], email="taken@example.ma")), visibility=EVERYTHING)
    assert "belongs to another account" in plan.rows[0].errors[0]


def test_staff_import_refuses_wrong_encoding(small_tree):
    raw = (HEADER + "\n" + row("A1", small_tree["c1"], last="Benaïssa") + "\n").encode("cp1256")
    with pytest.raises(StaffFileError) as err:
        staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert "UTF-8" in err.value.errors[0] and "line 2" in err.value.errors[0]


def test_staff_import_refuses_missing_column(small_tree):
    raw = csv_bytes("A1,Alami,Karim,x@example.ma," + small_tree["c1"].code, header="matricule,last_name,first_name,email,unit_code")
    with pytest.raises(StaffFileError) as err:
        staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert "last_name_ar" in err.value.errors[0] and "job_title" in err.value.errors[0]


def test_staff_import_refuses_empty_file(small_tree):
    with pytest.raises(StaffFileError):
        staff_import_plan(raw=csv_bytes(), visibility=EVERYTHING)


def test_staff_import_reads_xlsx_with_arabic_names(small_tree):
    c3 = small_tree["c3"]
    raw = xlsx_bytes([[12345, "Tazi", "Nadia", "التازي", "نادية", "n.tazi@example.ma", c3.code, "Ingénieure"]])
    staff_import_apply(raw=raw, visibility=EVERYTHING, file_name="staff.xlsx")
    user = User.objects.get(matricule="12345")
    assert (user.last_name_ar, user.first_name_ar, user.unit) == ("التازي", "نادية", c3)


def test_staff_import_semicolon_csv_is_read(small_tree):
    line = row("S1", small_tree["c1"]).replace(",", ";")
    raw = csv_bytes(line, header=HEADER.replace(",", ";"))
    assert staff_import_plan(raw=raw, visibility=EVERYTHING).rows[0].action == "create"


def test_staff_import_by_an_officer_refuses_rows_outside_their_scope(small_tree):
    officer = factories.hr_officer(small_tree["p1"])
    outsider = factories.UserFactory(matricule="OUT1", username="out1", unit=small_tree["c3"], email="out1@example.ma")
    raw = csv_bytes(row("IN1", small_tree["c2"]), row("NEW2", small_tree["c4"]), row("OUT1", small_tree["c1"]))
    plan = staff_import_plan(raw=raw, visibility=visibility_for(officer))
    assert plan.rows[0].action == "create"
    assert "outside your scope" in plan.rows[1].errors[0]  # a sibling province's commune
    assert "outside your scope" in plan.rows[2].errors[0]  # pulling someone in from another scope
    with pytest.raises(StaffImportRefused):
        staff_import_apply(raw=raw, visibility=visibility_for(officer))
    outsider.refresh_from_db()
    assert outsider.unit == small_tree["c3"]
    assert not User.objects.filter(matricule="IN1").exists()


def test_staff_import_officer_cannot_import_into_parent_unit(small_tree):
    officer = factories.hr_officer(small_tree["c1"])
    plan = staff_import_plan(raw=csv_bytes(row("P1", small_tree["p1"])), visibility=visibility_for(officer))
    assert "outside your scope" in plan.rows[0].errors[0]


def test_staff_import_job_records_status_and_summary(small_tree):
    officer = factories.hr_officer(small_tree["r1"])
    job = staff_import_job_create(user=officer, raw=csv_bytes(row("J1", small_tree["c1"])), file_name="s.csv",
                                  effective_on=datetime.date(2026, 1, 5))
    job = staff_import_job_run(job_id=job.pk)
    assert job.status == JobStatus.DONE and job.applied and job.percent == 100
    assert job.summary["counts"]["create"] == 1
    assert User.objects.get(matricule="J1").unit_since == datetime.date(2026, 1, 5)


def test_staff_import_job_failed_applies_nothing(small_tree):
    officer = factories.hr_officer(small_tree["r1"])
    raw = csv_bytes(row("J1", small_tree["c1"]), row("J2", small_tree["c3"]))
    job = staff_import_job_run(job_id=staff_import_job_create(user=officer, raw=raw, file_name="s.csv",
                                                              effective_on=datetime.date.today()).pk)
    assert job.status == JobStatus.FAILED and not job.applied
    assert job.summary["counts"]["error"] == 1
    assert not User.objects.filter(matricule__in=["J1", "J2"]).exists()
    assert StaffImportJob.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_import_staff_command_dry_run_then_apply(small_tree, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes(row("C1", small_tree["c1"])))
    out = io.StringIO()
    call_command("import_staff", str(path), "--dry-run", stdout=out)
    assert "create" in out.getvalue()
    assert not User.objects.filter(matricule="C1").exists()
    call_command("import_staff", str(path), stdout=io.StringIO())
    assert User.objects.filter(matricule="C1").exists()


def test_import_staff_command_refuses_bad_file(small_tree, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes(row("C1", small_tree["c1"]), row("C2", small_tree["c1"], email="bad")))
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not User.objects.filter(matricule="C1").exists()
