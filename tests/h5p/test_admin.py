"""Wagtail admin: upload through the same service, package status, library store."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from courses.h5p.models import H5PLibrary, H5PPackage
from tests import factories as common
from tests.h5p.factories import build, library_json, valid_files, valid_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(common.platform_admin())
    return client


def upload(client, data, title=""):
    return client.post(
        reverse("h5p-packages:add"),
        {"title": title, "file": SimpleUploadedFile("quiz.h5p", data, "application/zip")},
    )


def test_admin_upload_imports_the_package(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, valid_package(), title="Depuis l'admin")
    assert response.status_code == 302
    package = H5PPackage.objects.get()
    assert package.title == "Depuis l'admin" and package.status == H5PPackage.Status.READY
    index = admin_client.get(reverse("h5p-packages:index"))
    assert "Depuis l&#x27;admin" in index.content.decode()


def test_admin_upload_shows_every_error_and_stores_nothing(admin_client):
    files = valid_files()
    del files["content/content.json"]
    files["content/evil.exe"] = "MZ"
    response = upload(admin_client, build(files))
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("fr"):
        missing = _("is missing")
        not_allowed = _("file type .%(ext)s is not allowed") % {"ext": "exe"}
    assert f"content/content.json: {missing}" in html
    assert f"content/evil.exe: {not_allowed}".replace("'", "&#x27;") in html
    assert not H5PPackage.objects.exists()


def test_failed_package_shows_its_status_and_errors(admin_client, import_package):
    package = H5PPackage.objects.create(
        title="Cassé",
        status=H5PPackage.Status.FAILED,
        errors=[{"file": "h5p.json", "field": "title", "message": "is required"}],
    )
    html = admin_client.get(reverse("h5p-packages:index")).content.decode()
    assert "Cassé" in html and "h5p.json [title] is required" in html
    inspect = admin_client.get(reverse("h5p-packages:inspect", args=[package.pk]))
    assert inspect.status_code == 200


def test_library_list_shows_versions_and_packages(
    admin_client, import_package, django_assert_max_num_queries
):
    import_package(valid_package(title="Premier"))
    import_package(valid_package(title="Second"))
    admin_client.get(reverse("h5p-libraries:index"))  # warm caches (menu, permissions)
    with django_assert_max_num_queries(20) as few:
        response = admin_client.get(reverse("h5p-libraries:index"))
    html = response.content.decode()
    assert "H5P.TestDep" in html and "1.2.0" in html
    assert "Premier" in html and "Second" in html
    assert reverse("h5p-libraries:add") not in html
    # More libraries and packages: the same number of queries (no query per row).
    files = valid_files()
    files["h5p.json"]["preloadedDependencies"].append(
        {"machineName": "H5P.Extra", "majorVersion": 2, "minorVersion": 0}
    )
    files["H5P.Extra-2.0/library.json"] = library_json("H5P.Extra", 2, 0, js=("x.js",))
    files["H5P.Extra-2.0/x.js"] = "x"
    import_package(build(files))
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(reverse("h5p-libraries:index"))


def test_admin_can_block_a_library_version(admin_client, import_package):
    import_package(valid_package())
    dep = H5PLibrary.objects.get(machine_name="H5P.TestDep")
    response = admin_client.post(reverse("h5p-libraries:edit", args=[dep.pk]), {"is_blocked": "on"})
    assert response.status_code == 302
    dep.refresh_from_db()
    assert dep.is_blocked and not dep.allow_patch_upgrade
    refused = upload(admin_client, valid_package())
    with translation.override("fr"):
        blocked = _("needs %(lib)s, a library version blocked by the administrators") % {
            "lib": "H5P.TestDep 1.2 (1.2.0)"
        }
    assert blocked.replace("'", "&#x27;") in refused.content.decode()


def test_libraries_cannot_be_added_or_deleted_by_hand(admin_client, import_package):
    import_package(valid_package())
    dep = H5PLibrary.objects.get(machine_name="H5P.TestDep")
    assert admin_client.get(reverse("h5p-libraries:add")).status_code in (302, 403)
    assert admin_client.post(reverse("h5p-libraries:delete", args=[dep.pk])).status_code in (
        302,
        403,
    )
    assert H5PLibrary.objects.filter(pk=dep.pk).exists()


def test_activity_is_a_snippet_with_a_chooser(admin_client, make_activity):
    make_activity(key="demo-x")
    from wagtail.snippets.models import get_snippet_models

    from courses.h5p.models import H5PActivity

    assert H5PActivity in get_snippet_models()
    response = admin_client.get(reverse(H5PActivity.snippet_viewset.get_url_name("list")))
    assert response.status_code == 200 and "demo-x" in response.content.decode()


def test_trainers_upload_packages_but_cannot_block_libraries(client, import_package):
    from courses.h5p.services import h5p_permissions_setup

    h5p_permissions_setup()
    h5p_permissions_setup()  # idempotent
    import_package(valid_package())
    trainer = common.trainer()
    # Admin access itself comes from the courses permissions setup.
    trainer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(trainer)
    assert client.get(reverse("h5p-packages:add")).status_code == 200
    assert client.get(reverse("h5p-libraries:index")).status_code == 200
    dep = H5PLibrary.objects.get(machine_name="H5P.TestDep")
    response = client.post(reverse("h5p-libraries:edit", args=[dep.pk]), {"is_blocked": "on"})
    assert response.status_code in (302, 403)
    dep.refresh_from_db()
    assert not dep.is_blocked
