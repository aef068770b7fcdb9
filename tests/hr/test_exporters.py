import csv
import io

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from academy.accounts.selectors import Visibility, visibility_for
from hr.exporters import REGISTRY, export_file_name, export_rows, exporter_get
from hr.selectors import StatsFilters, scope_for
from hr.services import csv_stream, export_xlsx_write
from tests.hr.conftest import VISIBLE

LEVELS = ["commune", "province", "region", "national"]


@pytest.fixture(autouse=True)
def english():
    """Messages and headers are checked by their English msgids here (French and Arabic: test_views)."""
    with translation.override("en"):
        yield


def leaked_keys(text: str, world) -> set[str]:
    """Which learners (by key) appear in an export's text."""
    return {key for key, user in world["people"].items() if user.matricule in text}


def export_text(exporter_name, scope, filters=None):
    exporter = exporter_get(exporter_name)
    return "".join(
        csv_stream(export_rows(exporter=exporter, scope=scope, filters=filters or StatsFilters()))
    )


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("exporter_name", ["learner_progress", "completions", "certificates"])
def test_exporters_show_exactly_the_officers_scope(world, level, exporter_name):
    scope = scope_for(visibility=visibility_for(world["officers"][level]))
    text = export_text(exporter_name, scope)
    expected = VISIBLE[level] if exporter_name == "learner_progress" else VISIBLE[level] - {"c1b"}
    assert leaked_keys(text, world) == expected


@pytest.mark.parametrize("level", LEVELS)
def test_unit_summary_lists_only_units_in_scope(world, level):
    scope = scope_for(visibility=visibility_for(world["officers"][level]))
    rows = list(csv.reader(io.StringIO(export_text("unit_summary", scope).lstrip("\ufeff"))))
    codes = {r[0] for r in rows[1:]}
    tree = world["tree"]
    expected = {
        "commune": {"c1"},
        "province": {"p1", "c1", "c2"},
        "region": {"r1", "p1", "c1", "c2"},
        "national": set(tree),
    }[level]
    assert codes == {tree[k].code for k in expected}


def test_unit_summary_rolls_figures_up_the_tree(world):
    scope = scope_for(visibility=Visibility(everything=True))
    rows = list(csv.reader(io.StringIO(export_text("unit_summary", scope).lstrip("\ufeff"))))
    header = rows[0]
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    r1 = by_code[world["tree"]["r1"].code]
    assert (r1["Staff registered"], r1["Completions"], r1["Certificates issued"]) == ("4", "3", "3")
    assert r1["Unit (Arabic)"] == "الشرق"


def test_csv_has_bom_and_arabic_intact(world):
    scope = scope_for(visibility=Visibility(everything=True))
    exporter = exporter_get("completions")
    raw = b"".join(
        chunk.encode("utf-8")
        for chunk in csv_stream(export_rows(exporter=exporter, scope=scope, filters=StatsFilters()))
    )
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == [
        "Matricule",
        "Last name",
        "First name",
        "Last name (Arabic)",
        "First name (Arabic)",
    ]
    row = next(r for r in rows if r[0] == "MAT-c3")
    assert row[3] == "الإدريسيc3" and row[4] == "أمينة"
    assert row[8] == "تيزنيت"  # unit at completion, Arabic name
    assert float(row[-1]) == 80
    assert len(rows) == 6


def test_xlsx_content_with_arabic(world, tmp_path):
    scope = scope_for(visibility=visibility_for(world["officers"]["province"]))
    target = tmp_path / "out.xlsx"
    count = export_xlsx_write(
        exporter=exporter_get("learner_progress"),
        scope=scope,
        filters=StatsFilters(),
        target=str(target),
    )
    assert count == 4
    sheet = load_workbook(target).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Matricule"
    assert {r[0] for r in rows[1:]} == {"MAT-c1", "MAT-c1b", "MAT-c2", "MAT-p1"}
    c2 = next(r for r in rows if r[0] == "MAT-c2")
    assert c2[3] == "الإدريسيc2" and c2[8] == "أكليم"


def test_export_file_name_carries_unit_code_and_date(world):
    import datetime

    scope = scope_for(visibility=Visibility(everything=True), code=world["tree"]["c1"].code)
    name = export_file_name(
        exporter=REGISTRY["completions"],
        scope=scope,
        file_format="csv",
        on=datetime.date(2026, 5, 4),
    )
    assert name == f"completions_{world['tree']['c1'].code.replace('.', '-')}_2026-05-04.csv"


def test_export_stats_command_writes_csv_and_xlsx(world, tmp_path):
    code = world["tree"]["p1"].code
    out_csv = tmp_path / "c.csv"
    call_command(
        "export_stats",
        "--unit",
        code,
        "--exporter",
        "completions",
        "--format",
        "csv",
        "--output",
        str(out_csv),
        stderr=io.StringIO(),
    )
    text = out_csv.read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and leaked_keys(text, world) == {"c1", "c2", "p1"}
    out_xlsx = tmp_path / "c.xlsx"
    call_command(
        "export_stats",
        "--unit",
        code,
        "--exporter",
        "certificates",
        "--format",
        "xlsx",
        "--output",
        str(out_xlsx),
        stderr=io.StringIO(),
    )
    rows = list(load_workbook(out_xlsx).active.iter_rows(values_only=True))
    assert len(rows) == 4


def test_export_stats_command_as_officer_refuses_outside_unit(world, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command(
            "export_stats",
            "--unit",
            world["tree"]["r2"].code,
            "--exporter",
            "completions",
            "--output",
            str(tmp_path / "x.csv"),
            "--as-user",
            "officer-province",
        )


def test_csv_headers_follow_the_language(world):
    scope = scope_for(visibility=Visibility(everything=True))
    for language, expected in (("fr", "Nom (arabe)"), ("ar", "الاسم العائلي (بالعربية)")):
        with translation.override(language):
            rows = list(csv.reader(io.StringIO(export_text("completions", scope).lstrip("\ufeff"))))
        assert rows[0][3] == expected


DANGEROUS = {
    "last_name": '=HYPERLINK("http://evil.example","x")',
    "first_name": "+cmd|' /C calc'!A0",
    "job_title": "@SUM(1+1)*cmd",
    "last_name_ar": "\t=1+1",
    "first_name_ar": "-2+3+cmd",
}


@pytest.fixture
def booby_trapped(world):
    from tests.hr import factories as hr_factories

    user = hr_factories.learner(
        world["tree"]["c1"], username="trap", matricule="MAT-trap", **DANGEROUS
    )
    hr_factories.enrollment(user=user, course=world["course"], completed=True, final_score="75")
    return user


def test_csv_export_escapes_cells_a_spreadsheet_would_run(world, booby_trapped):
    scope = scope_for(visibility=Visibility(everything=True))
    rows = list(csv.reader(io.StringIO(export_text("learner_progress", scope).lstrip("\ufeff"))))
    trap = next(r for r in rows if r[0] == "MAT-trap")
    for value in trap[1:6]:
        assert value.startswith("'"), value
    assert trap[1] == "'" + DANGEROUS["last_name"]
    assert trap[3] == "'\t=1+1"
    plain = next(r for r in rows if r[0] == "MAT-c1")
    assert plain[1] == "Nomc1"  # ordinary cells untouched


def test_xlsx_export_never_stores_a_formula_from_data(world, booby_trapped, tmp_path):
    scope = scope_for(visibility=Visibility(everything=True))
    target = tmp_path / "out.xlsx"
    export_xlsx_write(
        exporter=exporter_get("learner_progress"),
        scope=scope,
        filters=StatsFilters(),
        target=str(target),
    )
    sheet = load_workbook(target).active  # formulas are kept as formulas when reading this way
    trap = next(r for r in sheet.iter_rows() if r[0].value == "MAT-trap")
    for cell in trap[1:6]:
        assert cell.data_type == "s", (cell.coordinate, cell.value)
        assert cell.quotePrefix  # Excel shows the text and keeps it text when edited
    assert trap[1].value == DANGEROUS["last_name"]
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_xlsx_export_has_real_dates_translated_values_and_rtl_for_arabic(world, tmp_path):
    import datetime

    from wagtail.models import Locale

    course = world["course"]
    arabic = course.copy_for_translation(
        Locale.objects.get_or_create(language_code="ar")[0], copy_parents=True
    )
    arabic.title = "الكفاءات الرقمية"
    arabic.save()
    scope = scope_for(visibility=Visibility(everything=True))
    target = tmp_path / "ar.xlsx"
    with translation.override("ar"):
        export_xlsx_write(
            exporter=exporter_get("learner_progress"),
            scope=scope,
            filters=StatsFilters(),
            target=str(target),
        )
    sheet = load_workbook(target).active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "رقم التأجير"
    c1 = dict(zip(header, next(r for r in rows if r[0] == "MAT-c1"), strict=True))
    values = list(c1.values())
    assert "الكفاءات الرقمية" in values and "Compétences numériques" not in values
    assert "Completed" not in values and "completed" not in values
    assert any(isinstance(v, datetime.datetime) for v in values)  # a date cell, not a string

    target = tmp_path / "fr.xlsx"
    with translation.override("fr"):
        export_xlsx_write(
            exporter=exporter_get("learner_progress"),
            scope=scope,
            filters=StatsFilters(),
            target=str(target),
        )
    sheet = load_workbook(target).active
    assert not sheet.sheet_view.rightToLeft
    rows = list(sheet.iter_rows(values_only=True))
    c1 = next(r for r in rows if r[0] == "MAT-c1")
    assert "Compétences numériques" in c1 and "Terminé" in c1


def test_unit_summary_levels_are_in_the_readers_language(world):
    scope = scope_for(visibility=Visibility(everything=True))
    with translation.override("fr"):
        rows = list(csv.reader(io.StringIO(export_text("unit_summary", scope).lstrip("\ufeff"))))
    levels = {r[1] for r in rows[1:]}
    assert "commune" not in levels and "Commune" in levels and "Région" in levels
