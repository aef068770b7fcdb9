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


def test_dashboard_query_count_does_not_grow_with_units(
    client, world, django_assert_max_num_queries
):
    from tests import factories as f

    for _ in range(5):
        region = f.region()
        f.commune(f.province(region))
    client.force_login(world["officers"]["national"])
    with django_assert_max_num_queries(25):
        assert client.get(unit_url(world, None)).status_code == 200


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize(
    "exporter", ["learner_progress", "completions", "certificates", "unit_summary"]
)
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


def test_xlsx_export_job_progress_and_signed_download(
    client, world, django_capture_on_commit_callbacks
):
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


def test_xlsx_download_link_expires_and_is_personal(
    client, world, settings, django_capture_on_commit_callbacks
):
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
    upload = SimpleUploadedFile(
        "staff.csv", csv_bytes(row("N1", world["tree"]["c2"]), row("N2", world["tree"]["c3"]))
    )
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
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d+)?%?", c) for c in coordinates), (
        coordinates
    )


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


@pytest.mark.parametrize(
    "language, expected", [("fr", "Import du personnel"), ("ar", "استيراد الموظفين")]
)
def test_staff_import_is_reachable_from_the_hr_menu(client, world, language, expected):
    client.force_login(world["officers"]["province"])
    html = client.get(f"/{language}/hr/unit/{world['tree']['p1'].code}/").content.decode()
    assert f'href="/{language}/hr/import/"' in html and expected in html


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_import_template_files_carry_translated_and_technical_column_names(client, world, language):
    client.force_login(world["officers"]["province"])
    page = client.get(f"/{language}/hr/import/").content.decode()
    assert (
        f"/{language}/hr/import/template.xlsx" in page
        and f"/{language}/hr/import/template.csv" in page
    )
    response = client.get(f"/{language}/hr/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels, technical = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert technical[:3] == ["matricule", "last_name", "first_name"]
    assert labels[0] == {"fr": "Matricule", "ar": "رقم التأجير"}[language]
    assert bool(sheet.sheet_view.rightToLeft) == (language == "ar")
    text = client.get(f"/{language}/hr/import/template.csv").content.decode("utf-8-sig")
    assert text.splitlines()[1].startswith("matricule,last_name,first_name")


@pytest.mark.parametrize(
    "language, expected", [("fr", "Hors de votre périmètre"), ("ar", "خارج نطاق اختصاصك")]
)
def test_out_of_scope_unit_is_a_page_in_the_users_language(client, world, language, expected):
    client.force_login(world["officers"]["province"])
    response = client.get(f"/{language}/hr/unit/{world['tree']['c3'].code}/")
    assert response.status_code == 403
    html = response.content.decode()
    assert expected in html and f'lang="{language}"' in html and 'href="/' in html


def test_counters_after_applying_say_what_was_done(
    client, world, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.hr.test_staff_import import csv_bytes, row

    client.force_login(world["officers"]["province"])
    upload = SimpleUploadedFile(
        "staff.csv", csv_bytes(row("N7", world["tree"]["c2"]), row("N8", world["tree"]["c1"]))
    )
    client.post("/fr/hr/import/", {"file": upload, "effective_on": "2026-02-01"})
    job = StaffImportJob.objects.latest("pk")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/fr/hr/import/{job.pk}/apply/")
    html = client.get(f"/fr/hr/import/{job.pk}/").content.decode()
    assert "<dt>Créés</dt><dd>2</dd>" in html and "<dt>Refusés</dt><dd>0</dd>" in html
    assert 'http-equiv="refresh"' not in html


def test_failed_import_page_stops_refreshing_and_says_why(client, world):
    client.force_login(world["officers"]["province"])
    job = StaffImportJob.objects.create(
        requested_by=world["officers"]["province"],
        raw=b"",
        file_name="s.csv",
        effective_on="2026-01-01",
        status=JobStatus.FAILED,
        message="Raison précise",
    )
    html = client.get(f"/fr/hr/import/{job.pk}/").content.decode()
    assert "Raison précise" in html and 'http-equiv="refresh"' not in html
    StaffImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    html = client.get(f"/fr/hr/import/{job.pk}/").content.decode()
    # refreshed in place by a script, not by <meta refresh> (axe: critical); by hand with a link
    assert 'data-job-refresh="waiting"' in html and "js/job-refresh.js" in html
    assert "Actualiser" in html and 'http-equiv="refresh"' not in html


def test_dry_run_shows_every_email_change(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.hr.test_staff_import import csv_bytes, row

    person = world["people"]["c2"]
    client.force_login(world["officers"]["province"])
    line = row(person.matricule, world["tree"]["c2"], email="nouvelle@example.ma")
    client.post(
        "/fr/hr/import/",
        {"file": SimpleUploadedFile("s.csv", csv_bytes(line)), "effective_on": "2026-02-01"},
    )
    job = StaffImportJob.objects.latest("pk")
    html = client.get(f"/fr/hr/import/{job.pk}/").content.decode()
    assert person.email in html and "nouvelle@example.ma" in html
    assert "Adresses électroniques que cet import modifie" in html


def test_csv_and_xlsx_exports_are_in_the_audit_log_with_who_and_from_where(
    client, world, django_capture_on_commit_callbacks
):
    from academy.audit.models import AuditAction, AuditEntry

    officer = world["officers"]["province"]
    client.force_login(officer)
    response = client.get(
        unit_url(world, "p1", "hr:export_csv", exporter="completions"), REMOTE_ADDR="10.1.2.3"
    )
    b"".join(response.streaming_content)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            unit_url(world, "p1", "hr:export_xlsx", exporter="completions"), REMOTE_ADDR="10.1.2.3"
        )
    entries = list(AuditEntry.objects.filter(action=AuditAction.EXPORT).order_by("id"))
    assert [e.data["format"] for e in entries] == ["csv", "xlsx"]
    assert {e.actor_id for e in entries} == {officer.pk}
    assert {e.client_ip for e in entries} == {"10.1.2.3"}
    assert entries[0].data["unit"] == world["tree"]["p1"].code


JOB_PAGE_TEXTS = {
    "fr": {
        "pending": "Attente de son tour…",
        "running": "37 %",
        "done": "Télécharger",
        "failed": "export a échoué.",
        "refresh": "Actualiser",
    },
    "ar": {
        "pending": "في انتظار دوره…",
        "running": "37 %",
        "done": "تنزيل",
        "failed": "فشل التصدير.",
        "refresh": "تحديث",
    },
}


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_export_job_page_shows_waiting_progress_done_and_failure_in_the_officers_language(
    client, world, private_storage, language
):
    officer = world["officers"]["region"]
    client.force_login(officer)
    texts = JOB_PAGE_TEXTS[language]
    job = ExportJob.objects.create(
        requested_by=officer, unit=world["tree"]["r1"], exporter="completions", language=language
    )

    def page():
        url = f"/{language}" + reverse("hr:export_job", kwargs={"pk": job.pk})[3:]
        return client.get(url).content.decode()

    html = page()  # queued: no worker has it yet
    assert 'data-job-status="pending"' in html and texts["pending"] in html
    # Refreshed in place by a script, never by <meta http-equiv="refresh"> (axe: critical,
    # the whole page reloaded under the reader every 3 s); a link does it without JavaScript.
    assert 'data-job-refresh="waiting"' in html and "js/job-refresh.js" in html
    assert texts["refresh"] in html and 'http-equiv="refresh"' not in html

    job.status, job.percent = JobStatus.RUNNING, 37
    job.save()
    html = page()
    assert 'data-job-status="running"' in html and 'value="37"' in html
    assert texts["running"] in html and 'data-job-refresh="waiting"' in html
    assert 'http-equiv="refresh"' not in html

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    storages["private"].save("exports/done.xlsx", ContentFile(b"x"))
    job.status, job.percent, job.file_path, job.file_name, job.rows = (
        JobStatus.DONE, 100, "exports/done.xlsx", "done.xlsx", 3,
    )  # fmt: skip
    job.save()
    html = page()
    assert texts["done"] in html and "/hr/exports/download/" in html
    assert 'data-job-refresh="finished"' in html and "js/job-refresh.js" not in html

    job.status, job.message = JobStatus.FAILED, "message"
    job.save()
    html = page()
    assert texts["failed"] in html and 'http-equiv="refresh"' not in html
