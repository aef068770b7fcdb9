"""Antivirus on H5P uploads: an infected package is refused with the message, nothing stored."""

import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from academy.core.antivirus import EICAR
from courses.h5p.models import H5PPackage
from courses.h5p.services import H5PValidationError, h5p_package_import
from tests import factories as common
from tests.h5p.factories import build, valid_files, valid_package

pytestmark = pytest.mark.django_db


def infected_package() -> bytes:
    """A valid package carrying the EICAR test file (stored uncompressed, as an archive
    scanner would find it once unpacked)."""
    return build({**valid_files(), "content/eicar.txt": EICAR}, compression=zipfile.ZIP_STORED)


def stored_files(folder):
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_service_refuses_an_infected_package_and_stores_nothing(private_storage):
    with pytest.raises(H5PValidationError) as caught:
        h5p_package_import(file=infected_package(), title="Infecté")
    assert "antivirus" in " ".join(caught.value.messages)
    assert not H5PPackage.objects.exists()
    assert stored_files(private_storage) == []


def test_admin_upload_of_an_infected_package_shows_the_message(client, private_storage):
    client.force_login(common.platform_admin())
    response = client.post(
        reverse("h5p-packages:add"),
        {
            "title": "",
            "file": SimpleUploadedFile("quiz.h5p", infected_package(), "application/zip"),
        },
    )
    assert response.status_code == 200
    assert "quiz.h5p: Ce fichier a été refusé\u00a0: l&#x27;antivirus" in response.content.decode()
    assert not H5PPackage.objects.exists()
    assert stored_files(private_storage) == []


def test_a_clean_package_passes_the_scan(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        package = h5p_package_import(file=valid_package(), title="Propre")
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY
