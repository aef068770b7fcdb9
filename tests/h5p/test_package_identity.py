"""Issue 15, authoring: a re-uploaded file reuses its package; Hub downloads ("Hub Download …",
language "und") get a meaningful title and a language."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from courses.h5p.models import H5PPackage
from courses.h5p.services import h5p_package_import
from tests.h5p.factories import build, valid_files, valid_package
from tests.h5p.test_store import stored_files

pytestmark = pytest.mark.django_db


def hub_download(**kw) -> bytes:
    files = valid_files(**kw)
    files["h5p.json"]["title"] = "Hub Download 2024-05-02"
    files["h5p.json"]["language"] = "und"
    return build(files)


def test_the_same_file_uploaded_again_reuses_its_package(import_package, private_storage):
    data = valid_package()
    first = import_package(data)
    files_after_first = stored_files(private_storage)
    again = h5p_package_import(file=data)
    assert again.pk == first.pk and again.reused is True
    assert H5PPackage.objects.count() == 1
    assert stored_files(private_storage) == files_after_first


def test_a_different_file_makes_a_new_package(import_package):
    first = import_package(valid_package(title="Un"))
    second = import_package(valid_package(title="Deux"))
    assert first.pk != second.pk


def test_a_failed_package_is_not_reused(import_package):
    data = valid_package()
    failed = import_package(data)
    H5PPackage.objects.filter(pk=failed.pk).update(status=H5PPackage.Status.FAILED)
    again = import_package(data)
    assert again.pk != failed.pk and again.status == H5PPackage.Status.READY


def test_a_hub_download_takes_the_files_name_and_the_trainers_language(import_package):
    with translation.override("ar"):
        package = import_package(
            SimpleUploadedFile("questionnaire-etat-civil_2.h5p", hub_download())
        )
    assert package.title == "Questionnaire etat civil 2"
    assert package.language == "ar"


def test_the_language_chosen_at_upload_wins_over_und(import_package):
    package = import_package(hub_download(), language="fr")
    assert package.language == "fr"


def test_a_real_title_and_language_in_the_package_are_kept(import_package):
    package = import_package(valid_package(title="Registre", language="ar"))
    assert (package.title, package.language) == ("Registre", "ar")


def test_trainer_uploads_a_hub_download_choosing_its_language_and_is_told_of_a_duplicate(
    admin_client, django_capture_on_commit_callbacks
):
    data = hub_download()  # one file, uploaded twice (a zip's bytes carry its build time)

    def upload():
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(
                reverse("h5p-packages:add"),
                {
                    "title": "",
                    "language": "ar",
                    "file": SimpleUploadedFile("sondage.h5p", data, "application/zip"),
                },
                follow=True,
            )

    assert upload().status_code == 200
    package = H5PPackage.objects.get()
    assert (package.title, package.language) == ("Sondage", "ar")
    html = upload().content.decode()
    assert H5PPackage.objects.count() == 1
    assert "Sondage" in html and ("reused" in html or "réutilisé" in html)
