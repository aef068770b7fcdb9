"""Antivirus on the staff-import upload: an infected file is refused with the message in the
officer's language and no import job is created; a clean file still makes its dry run."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from academy.core.antivirus import EICAR
from hr.models import StaffImportJob
from tests.hr.test_staff_import import csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Ce fichier a été refusé\u00a0: l&#x27;antivirus"), ("ar", "رُفض هذا الملف")],
)
def test_infected_staff_file_is_refused_and_no_job_is_created(client, world, language, expected):
    client.force_login(world["officers"]["province"])
    data = csv_bytes(row("N1", world["tree"]["c2"])) + EICAR + b"\n"
    response = client.post(
        f"/{language}/hr/import/",
        {"file": SimpleUploadedFile("staff.csv", data), "effective_on": "2026-02-01"},
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert not StaffImportJob.objects.exists()


def test_clean_staff_file_passes_the_scan(client, world):
    client.force_login(world["officers"]["province"])
    data = csv_bytes(row("N1", world["tree"]["c2"]))
    response = client.post(
        "/fr/hr/import/",
        {"file": SimpleUploadedFile("staff.csv", data), "effective_on": "2026-02-01"},
    )
    job = StaffImportJob.objects.get()
    assert response.status_code == 302
    assert bytes(job.raw) == data  # read whole after the scan
