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
    staff_import_job_queue,
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


def row(
    matricule,
    unit,
    *,
    email=None,
    last="Alami",
    first="Karim",
    last_ar="العلمي",
    first_ar="كريم",
    job="Technicien",
):
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
    factories.UserFactory(
        matricule="A2",
        username="a2",
        unit=c1,
        last_name="Old",
        first_name="Karim",
        last_name_ar="العلمي",
        first_name_ar="كريم",
        email="a2@example.ma",
    )
    factories.UserFactory(
        matricule="A3",
        username="a3",
        unit=c1,
        last_name="Alami",
        first_name="Karim",
        last_name_ar="العلمي",
        first_name_ar="كريم",
        email="a3@example.ma",
    )
    factories.UserFactory(
        matricule="A4",
        username="a4",
        unit=c1,
        last_name="Alami",
        first_name="Karim",
        last_name_ar="العلمي",
        first_name_ar="كريم",
        email="a4@example.ma",
    )
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
    staff_import_apply(
        raw=csv_bytes(row("A1", c1, last_ar="بناني"), row("A3", c2)),
        visibility=EVERYTHING,
        effective_on=day,
    )
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
        (
            "OK1,Alami,Karim,العلمي,كريم,x@example.ma,{unit},Tech",
            "matricule OK1 is already on line 2",
        ),
        (
            "{m},Alami,Karim,العلمي,كريم,ok1@example.ma,{unit},Tech",
            "email ok1@example.ma is already on line 2",
        ),
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
    factories.UserFactory(
        matricule="Z9", username="z9", email="taken@example.ma", unit=small_tree["c1"]
    )
    plan = staff_import_plan(
        raw=csv_bytes(row("N1", small_tree["c1"], email="taken@example.ma")), visibility=EVERYTHING
    )
    assert "belongs to another account" in plan.rows[0].errors[0]


def test_staff_import_refuses_wrong_encoding(small_tree):
    raw = (HEADER + "\n" + row("A1", small_tree["c1"], last="Benaïssa") + "\n").encode("cp1256")
    with pytest.raises(StaffFileError) as err:
        staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert "UTF-8" in err.value.errors[0] and "line 2" in err.value.errors[0]


def test_staff_import_refuses_missing_column(small_tree):
    raw = csv_bytes(
        "A1,Alami,Karim,x@example.ma," + small_tree["c1"].code,
        header="matricule,last_name,first_name,email,unit_code",
    )
    with pytest.raises(StaffFileError) as err:
        staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert "last_name_ar" in err.value.errors[0] and "job_title" in err.value.errors[0]


def test_staff_import_refuses_empty_file(small_tree):
    with pytest.raises(StaffFileError):
        staff_import_plan(raw=csv_bytes(), visibility=EVERYTHING)


def test_staff_import_reads_xlsx_with_arabic_names(small_tree):
    c3 = small_tree["c3"]
    raw = xlsx_bytes(
        [[12345, "Tazi", "Nadia", "التازي", "نادية", "n.tazi@example.ma", c3.code, "Ingénieure"]]
    )
    staff_import_apply(raw=raw, visibility=EVERYTHING, file_name="staff.xlsx")
    user = User.objects.get(matricule="12345")
    assert (user.last_name_ar, user.first_name_ar, user.unit) == ("التازي", "نادية", c3)


def test_staff_import_semicolon_csv_is_read(small_tree):
    line = row("S1", small_tree["c1"]).replace(",", ";")
    raw = csv_bytes(line, header=HEADER.replace(",", ";"))
    assert staff_import_plan(raw=raw, visibility=EVERYTHING).rows[0].action == "create"


def test_staff_import_by_an_officer_refuses_rows_outside_their_scope(small_tree):
    officer = factories.hr_officer(small_tree["p1"])
    outsider = factories.UserFactory(
        matricule="OUT1", username="out1", unit=small_tree["c3"], email="out1@example.ma"
    )
    raw = csv_bytes(
        row("IN1", small_tree["c2"]), row("NEW2", small_tree["c4"]), row("OUT1", small_tree["c1"])
    )
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
    plan = staff_import_plan(
        raw=csv_bytes(row("P1", small_tree["p1"])), visibility=visibility_for(officer)
    )
    assert "outside your scope" in plan.rows[0].errors[0]


def test_staff_import_job_records_status_and_summary(small_tree):
    officer = factories.hr_officer(small_tree["r1"])
    job = staff_import_job_create(
        user=officer,
        raw=csv_bytes(row("J1", small_tree["c1"])),
        file_name="s.csv",
        effective_on=datetime.date(2026, 1, 5),
    )
    staff_import_job_queue(job=job)
    job = staff_import_job_run(job_id=job.pk)
    assert job.status == JobStatus.DONE and job.applied and job.percent == 100
    assert job.summary["counts"]["create"] == 1
    assert User.objects.get(matricule="J1").unit_since == datetime.date(2026, 1, 5)


def test_staff_import_job_failed_applies_nothing(small_tree):
    officer = factories.hr_officer(small_tree["r1"])
    raw = csv_bytes(row("J1", small_tree["c1"]), row("J2", small_tree["c3"]))
    job = staff_import_job_create(
        user=officer, raw=raw, file_name="s.csv", effective_on=datetime.date.today()
    )
    staff_import_job_queue(job=job)
    job = staff_import_job_run(job_id=job.pk)
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
    path.write_bytes(
        csv_bytes(row("C1", small_tree["c1"]), row("C2", small_tree["c1"], email="bad"))
    )
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not User.objects.filter(matricule="C1").exists()


# --- what applying would refuse, the dry run refuses ----------------------------------------


def test_matricules_differing_only_by_case_are_refused_by_the_dry_run(small_tree):
    c1 = small_tree["c1"]
    raw = csv_bytes(
        row("BRK-1001", c1, email="a@example.ma"), row("brk-1001", c1, email="b@example.ma")
    )
    plan = staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert not plan.ok and plan.rows[1].action == "error"
    assert "already on line 2" in plan.rows[1].errors[0]
    with pytest.raises(StaffImportRefused):
        staff_import_apply(raw=raw, visibility=EVERYTHING)
    assert not User.objects.filter(matricule__iexact="brk-1001").exists()


def test_a_matricule_in_other_capitals_updates_the_same_employee(small_tree):
    c1 = small_tree["c1"]
    user = factories.UserFactory(
        matricule="BRK-2002",
        username="brk-2002",
        unit=c1,
        email="k@example.ma",
        last_name="Alami",
        first_name="Karim",
        last_name_ar="العلمي",
        first_name_ar="كريم",
        job_title="Technicien",
    )
    plan = staff_import_plan(
        raw=csv_bytes(row("brk-2002", c1, email="K@example.ma")), visibility=EVERYTHING
    )
    assert plan.rows[0].action == "unchanged" and plan.rows[0].user_id == user.pk
    staff_import_apply(
        raw=csv_bytes(row("brk-2002", c1, email="k@example.ma", last="Alaoui")),
        visibility=EVERYTHING,
    )
    assert User.objects.filter(matricule__iexact="brk-2002").count() == 1
    user.refresh_from_db()
    assert user.last_name == "Alaoui" and user.matricule == "BRK-2002"


def test_a_username_taken_in_other_capitals_is_refused(small_tree):
    factories.UserFactory(matricule=None, username="BRK-3003", unit=None, email="z@example.ma")
    plan = staff_import_plan(
        raw=csv_bytes(row("brk-3003", small_tree["c1"])), visibility=EVERYTHING
    )
    assert any("already taken" in e for e in plan.rows[0].errors)


def test_leading_zeros_count_but_one_file_may_not_hold_both(small_tree):
    c1 = small_tree["c1"]
    plan = staff_import_plan(raw=csv_bytes(row("00125", c1), row("125", c1)), visibility=EVERYTHING)
    assert plan.rows[0].action == "create"
    assert "leading zeros" in plan.rows[1].errors[0]
    factories.UserFactory(matricule="00126", username="00126", unit=c1)
    plan = staff_import_plan(raw=csv_bytes(row("126", c1)), visibility=EVERYTHING)
    assert plan.rows[0].action == "create"  # a different matricule (documented)


def test_values_longer_than_their_column_are_refused_by_the_dry_run(small_tree):
    raw = csv_bytes(
        row("L1", small_tree["c1"], last="x" * 151), row("L2", small_tree["c1"], job="y" * 201)
    )
    plan = staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert (
        "longer than 150" in plan.rows[0].errors[0] and "longer than 200" in plan.rows[1].errors[0]
    )


def test_a_title_row_above_the_header_is_skipped(small_tree):
    raw = csv_bytes(row("T1", small_tree["c1"]), header="Liste du personnel,,,,,,,\n" + HEADER)
    plan = staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert plan.rows[0].action == "create" and plan.rows[0].line == 3


def test_the_template_files_are_read_back_by_the_import(small_tree):
    from hr.services import staff_import_template

    for file_format in ("csv", "xlsx"):
        with translation.override("ar"):
            content, name, _type = staff_import_template(file_format=file_format)
        with pytest.raises(StaffFileError) as err:
            staff_import_plan(raw=content, visibility=EVERYTHING, file_name=name)
        assert "no rows" in err.value.errors[0]  # header found, nothing else


# --- no account takeover ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "superuser", "hr_scope", "trainer", "reviewer"])
def test_an_import_never_changes_the_email_of_an_account_with_roles(small_tree, role):
    from academy.accounts.models import HRScope

    c1 = small_tree["c1"]
    kwargs = {"staff": {"is_staff": True}, "superuser": {"is_superuser": True}}.get(role, {})
    if role in ("trainer", "reviewer"):
        user = getattr(factories, role)(
            matricule="R1", username="r1", unit=c1, email="r1@example.ma"
        )
    else:
        user = factories.UserFactory(
            matricule="R1", username="r1", unit=c1, email="r1@example.ma", **kwargs
        )
    if role == "hr_scope":
        HRScope.objects.create(user=user, unit=c1)
    officer = factories.hr_officer(small_tree["p1"])
    raw = csv_bytes(row("R1", c1, email="attacker@example.ma"))
    plan = staff_import_plan(raw=raw, visibility=visibility_for(officer))
    assert (
        plan.rows[0].action == "error"
        and "cannot be changed by an import" in plan.rows[0].errors[0]
    )
    with pytest.raises(StaffImportRefused):
        staff_import_apply(raw=raw, visibility=visibility_for(officer))
    user.refresh_from_db()
    assert user.email == "r1@example.ma"


def test_accounts_with_no_unit_are_in_nobodys_scope(small_tree):
    admin = factories.platform_admin(matricule="ADM1", username="adm1", email="adm1@example.ma")
    officer = factories.hr_officer(None)  # national
    raw = csv_bytes(row("ADM1", small_tree["c1"], email="attacker@example.ma"))
    plan = staff_import_plan(raw=raw, visibility=visibility_for(officer))
    assert "no unit" in plan.rows[0].errors[0]
    admin.refresh_from_db()
    assert admin.email == "adm1@example.ma" and admin.unit is None


def test_a_learners_email_change_is_shown_and_the_old_address_told(
    small_tree, mailoutbox, django_capture_on_commit_callbacks
):
    c1 = small_tree["c1"]
    factories.UserFactory(
        matricule="E1",
        username="e1",
        unit=c1,
        email="old@example.ma",
        last_name="Alami",
        first_name="Karim",
        last_name_ar="العلمي",
        first_name_ar="كريم",
        job_title="Technicien",
    )
    raw = csv_bytes(row("E1", c1, email="new@example.ma"))
    plan = staff_import_plan(raw=raw, visibility=EVERYTHING)
    assert plan.rows[0].old_email == "old@example.ma" and plan.counts["email_changes"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        staff_import_apply(raw=raw, visibility=EVERYTHING)
    assert [m.to for m in mailoutbox] == [["old@example.ma"]]
    body = mailoutbox[0].body
    assert "new@example.ma" in body
    assert "adresse" in body and "البريد" in body  # French and Arabic


# --- spreadsheet safety ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3+cmd", "@SUM(1)", '=HYPERLINK("x")'])
def test_cells_that_look_like_formulas_are_refused(small_tree, value):
    plan = staff_import_plan(
        raw=csv_bytes(row("F1", small_tree["c1"], last=value.replace(",", ";"))),
        visibility=EVERYTHING,
    )
    assert plan.rows[0].action == "error" and "formulas" in plan.rows[0].errors[0]


def test_xlsx_formula_cells_are_refused_not_computed(small_tree):
    raw = xlsx_bytes(
        [
            [
                "X1",
                '=CONCAT("A","B")',
                "Nadia",
                "التازي",
                "نادية",
                "x1@example.ma",
                small_tree["c3"].code,
                "Ingénieure",
            ]
        ]
    )
    plan = staff_import_plan(raw=raw, visibility=EVERYTHING, file_name="s.xlsx")
    assert plan.rows[0].action == "error" and "formulas" in plan.rows[0].errors[0]


def test_a_nul_byte_in_any_cell_is_refused_as_a_control_character_not_sent_to_the_database(
    small_tree,
):
    raw = (
        HEADER + f"\nN-1,Alami,Karim,العلمي,كريم,a\x00@x.ma,{small_tree['c1'].code},Agent\n"
    ).encode()
    plan = staff_import_plan(raw=raw, visibility=EVERYTHING, file_name="s.csv")
    assert plan.rows[0].errors
