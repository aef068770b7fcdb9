import io

import pytest
from django.core import signing
from django.urls import reverse
from openpyxl import load_workbook

from hr.models import ExportJob, JobStatus, StaffImportJob
from tests import factories as base
from tests.hr.conftest import VISIBLE

LEVELS = ["commune", "province", "region", "national"]
OWN_UNIT = {"commune": "c1", "province": "p1", "region": "r1", "national": None}
INSIDE = {
    "commune": ["c1"],
    "province": ["p1", "c1", "c2"],
    "region": ["r1", "p1", "c1", "c2"],
    "national": ["r1", "p1", "c1", "c2", "r2", "p2", "c3", "c4"],
}
ALL_UNITS = ["r1", "p1", "c1", "c2", "r2", "p2", "c3", "c4"]


def unit_url(world, key, name="hr:unit", **kw):
    code = world["tree"][key].code if key else "national"
    return reverse(name, kwargs={"code": code, **kw})


@pytest.mark.parametrize("level", LEVELS)
def test_dashboard_scope_matrix(client, world, level):
    client.force_login(world["officers"][level])
    for key in ALL_UNITS:
        response = client.get(unit_url(world, key))
        assert response.status_code == (200 if key in INSIDE[level] else 403), (level, key)
    national = client.get(unit_url(world, None))
    assert national.status_code == (200 if level == "national" else 403)


@pytest.mark.parametrize("level", LEVELS)
def test_dashboard_home_redirects_to_own_unit(client, world, level):
    client.force_login(world["officers"][level])
    response = client.get(reverse("hr:home"))
    assert response.status_code == 302
    assert response["Location"] == unit_url(world, OWN_UNIT[level])


def test_dashboard_refuses_learners_and_anonymous(client, world):
    assert client.get(reverse("hr:home")).status_code == 302  # to the login page
    client.force_login(world["people"]["c1"])
    assert client.get(reverse("hr:home")).status_code == 403
    assert client.get(unit_url(world, "c1")).status_code == 403


def test_dashboard_shows_children_side_by_side_and_breadcrumb(client, world):
    client.force_login(world["officers"]["region"])
    html = client.get(unit_url(world, "p1")).content.decode()
    assert "Berkane" in html and "Aklim" in html
    assert "Tiznit" not in html and "Aglou" not in html  # the other region's units
    assert "<svg" in html and "Achèvements par unité" in html
    # breadcrumb: the region is a link, the national level is not offered
    assert unit_url(world, "r1") in html
    assert reverse("hr:unit", kwargs={"code": "national"}) not in html


def test_breadcrumb_does_not_link_to_parents_outside_scope(client, world):
    client.force_login(world["officers"]["commune"])
    html = client.get(unit_url(world, "c1")).content.decode()
    assert unit_url(world, "p1") not in html and unit_url(world, "r1") not in html
    assert "Oriental" in html  # shown as text only


def test_commune_dashboard_lists_its_learners_only(client, world):
    client.force_login(world["officers"]["province"])
    html = client.get(unit_url(world, "c1")).content.decode()
    assert "MAT-c1" in html and "MAT-c1b" in html
    assert "MAT-c2" not in html and "MAT-p1" not in html and "MAT-c3" not in html


def test_dashboard_in_arabic_is_rtl(client, world):
    client.force_login(world["officers"]["national"])
    html = client.get("/ar/hr/unit/national/").content.decode()
    assert 'dir="rtl"' in html and "الشرق" in html


@pytest.mark.parametrize("key", ["national", "r1", "p1", "c1"])
def test_dashboard_query_count_is_bounded(client, world, django_assert_max_num_queries, key):
    client.force_login(world["officers"]["national"])
    url = unit_url(world, None if key == "national" else key)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_dashboard_query_count_does_not_grow_with_units(client, world, django_assert_max_num_queries):
    from tests import factories as f

    for _ in range(5):
        region = f.region()
        f.commune(f.province(region))
    client.force_login(world["officers"]["national"])
    with django_assert_max_num_queries(25):
        assert client.get(unit_url(world, None)).status_code == 200


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("exporter", ["learner_progress", "completions", "certificates", "unit_summary"])
def test_csv_export_view_scope_matrix(client, world, level, exporter):
    client.force_login(world["officers"][level])
    for key in ALL_UNITS:
        response = client.get(unit_url(world, key, "hr:export_csv", exporter=exporter))
        if key not in INSIDE[level]:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        text = b"".join(response.streaming_content).decode("utf-8")
        assert text.startswith("\ufeff")
        found = {k for k, u in world["people"].items() if u.matricule in text}
        assert found <= VISIBLE[level]


def test_csv_export_view_file_name(client, world):
    client.force_login(world["officers"]["province"])
    response = client.get(unit_url(world, "p1", "hr:export_csv", exporter="completions"))
    code = world["tree"]["p1"].code.replace(".", "-")
    assert f'filename="completions_{code}_' in response["Content-Disposition"]


def test_xlsx_export_job_progress_and_signed_download(client, world, django_capture_on_commit_callbacks):
    officer = world["officers"]["region"]
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(unit_url(world, "r1", "hr:export_xlsx", exporter="completions"))
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("hr:export_job", kwargs={"pk": job.pk})
    assert job.status == JobStatus.DONE and job.percent == 100 and job.rows == 3
    page = client.get(response["Location"]).content.decode()
    link = page.split('href="/fr/hr/exports/download/')[1].split('"')[0]
    download = client.get(f"/fr/hr/exports/download/{link}")
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert {r[0] for r in rows[1:]} == {"MAT-c1", "MAT-c2", "MAT-p1"}
    assert rows[1][3].startswith("الإدريسي")


def test_xlsx_download_link_expires_and_is_personal(client, world, settings, django_capture_on_commit_callbacks):
    officer = world["officers"]["region"]
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(unit_url(world, "r1", "hr:export_xlsx", exporter="completions"))
    job = ExportJob.objects.get()
    token = signing.TimestampSigner(salt="hr.export-download").sign(str(job.pk))
    url = reverse("hr:export_download", kwargs={"token": token})
    client.force_login(world["officers"]["national"])
    assert client.get(url).status_code == 404  # someone else's link
    client.force_login(officer)
    settings.HR_EXPORT_LINK_MAX_AGE = -1
    assert client.get(url).status_code == 404  # expired
    settings.HR_EXPORT_LINK_MAX_AGE = 3600
    assert client.get(url).status_code == 200
    assert client.get(url[:-3] + "abc/").status_code == 404  # forged


def test_xlsx_export_refused_outside_scope(client, world):
    client.force_login(world["officers"]["province"])
    response = client.post(unit_url(world, "r1", "hr:export_xlsx", exporter="completions"))
    assert response.status_code == 403
    assert not ExportJob.objects.exists()


def test_export_job_page_of_someone_else_is_hidden(client, world):
    client.force_login(world["officers"]["region"])
    client.post(unit_url(world, "r1", "hr:export_xlsx", exporter="completions"))
    job = ExportJob.objects.get()
    client.force_login(world["officers"]["commune"])
    assert client.get(reverse("hr:export_job", kwargs={"pk": job.pk})).status_code == 404


def test_import_upload_dry_run_then_apply(client, world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from academy.accounts.models import User
    from tests.hr.test_staff_import import csv_bytes, row

    client.force_login(world["officers"]["province"])
    upload = SimpleUploadedFile("staff.csv", csv_bytes(row("N1", world["tree"]["c2"]), row("N2", world["tree"]["c3"])))
    response = client.post(reverse("hr:import"), {"file": upload, "effective_on": "2026-02-01"})
    job = StaffImportJob.objects.get()
    assert response["Location"] == reverse("hr:import_job", kwargs={"pk": job.pk})
    html = client.get(response["Location"]).content.decode()
    assert "hors de votre périmètre" in html and "Appliquer cet import" not in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hr:import_apply", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not User.objects.filter(matricule__in=["N1", "N2"]).exists()

    upload = SimpleUploadedFile("staff.csv", csv_bytes(row("N1", world["tree"]["c2"])))
    client.post(reverse("hr:import"), {"file": upload, "effective_on": "2026-02-01"})
    job = StaffImportJob.objects.latest("pk")
    html = client.get(reverse("hr:import_job", kwargs={"pk": job.pk})).content.decode()
    assert "Appliquer cet import" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hr:import_apply", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert User.objects.get(matricule="N1").unit == world["tree"]["c2"]


def test_import_refuses_non_officers(client, world):
    client.force_login(base.UserFactory(username="plain"))
    assert client.get(reverse("hr:import")).status_code == 403


def test_statistics_link_only_for_hr_officers(client, world):
    link = reverse("hr:home")
    client.force_login(world["people"]["c1"])
    page = client.get("/fr/learn/").content.decode()
    assert f'href="{link}"' not in page
    client.force_login(world["officers"]["commune"])
    page = client.get("/fr/learn/").content.decode()
    assert f'href="{link}"' in page


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_svg_coordinates_are_not_localised(client, world, language):
    import re

    client.force_login(world["officers"]["national"])
    html = client.get(f"/{language}/hr/unit/national/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', "".join(svgs))
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?%?", c) for c in coordinates), coordinates


def test_expired_export_files_are_purged(client, world, django_capture_on_commit_callbacks):
    import datetime

    from django.core.files.storage import storages
    from django.utils import timezone

    from hr.services import export_files_purge

    client.force_login(world["officers"]["region"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(unit_url(world, "r1", "hr:export_xlsx", exporter="unit_summary"))
    job = ExportJob.objects.get()
    assert storages["private"].exists(job.file_path)
    assert export_files_purge(now=timezone.now()) == 0
    assert export_files_purge(now=timezone.now() + datetime.timedelta(days=2)) == 1
    job.refresh_from_db()
    assert job.file_path == ""
    page = client.get(reverse("hr:export_job", kwargs={"pk": job.pk})).content.decode()
    assert "a expiré" in page
