"""Installing a new H5P library (new JavaScript) is a platform administrator's right: a
trainer's package that brings one is held, nothing installed, until an admin approves it.
Packages whose libraries need a newer H5P core than the player are refused."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from academy.accounts.models import Group as RoleGroup
from courses.h5p.models import H5PLibrary, H5PPackage
from courses.h5p.services import (
    H5PValidationError,
    h5p_package_approve_libraries,
    h5p_package_import,
    h5p_permissions_setup,
)
from tests import factories as common
from tests.h5p import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer():
    from django.contrib.auth.models import Permission

    h5p_permissions_setup()
    user = common.trainer()
    user.groups.add(Group.objects.get(name=RoleGroup.TRAINERS))
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_a_trainers_package_with_new_libraries_is_held_and_installs_nothing(
    import_package, trainer, private_storage
):
    package = import_package(factories.valid_package(), uploaded_by=trainer)
    assert package.status == H5PPackage.Status.HELD
    assert package.new_libraries == ["H5P.TestDep 1.2.0", "H5P.TestLib 1.0.0"]
    assert not H5PLibrary.objects.exists()
    assert not (private_storage / "h5p" / "libraries").exists()


def test_an_admin_approves_and_the_package_is_installed(
    import_package, trainer, django_capture_on_commit_callbacks
):
    package = import_package(factories.valid_package(), uploaded_by=trainer)
    with pytest.raises(PermissionDenied):
        h5p_package_approve_libraries(package=package, user=trainer)
    admin = common.UserFactory(is_superuser=True, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        h5p_package_approve_libraries(package=package, user=admin)
    package.refresh_from_db()
    assert package.status == H5PPackage.Status.READY
    assert package.libraries_approved_by == admin
    assert H5PLibrary.objects.count() == 2


def test_a_trainer_uses_libraries_already_installed(import_package, trainer):
    import_package(factories.valid_package())  # installed by the server (an admin's import)
    package = import_package(factories.valid_package(title="Autre"), uploaded_by=trainer)
    assert package.status == H5PPackage.Status.READY
    assert package.new_libraries == []


def test_a_newer_patch_from_a_trainer_is_held_when_upgrades_are_allowed(import_package, trainer):
    import_package(factories.valid_package())
    H5PLibrary.objects.update(allow_patch_upgrade=True)
    package = import_package(factories.valid_package(dep_patch=3), uploaded_by=trainer)
    assert package.status == H5PPackage.Status.HELD
    assert package.new_libraries == ["H5P.TestDep 1.2.3"]
    assert H5PLibrary.objects.get(machine_name="H5P.TestDep").patch_version == 0


def test_the_trainer_is_told_in_french_that_an_admin_must_approve(client, trainer):
    client.force_login(trainer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("paquet.h5p", factories.valid_package())
    response = client.post(
        reverse("h5p-packages:add"),
        {"title": "", "file": upload},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "administrateur" in text and "H5P.TestLib 1.0.0" in text
    assert H5PPackage.objects.get().status == H5PPackage.Status.HELD


def test_a_library_needing_a_newer_core_is_refused(db, settings):
    files = factories.valid_files()
    meta = dict(files["H5P.TestLib-1.0/library.json"])
    meta["coreApi"] = {"majorVersion": 1, "minorVersion": 99}
    files["H5P.TestLib-1.0/library.json"] = meta
    with pytest.raises(H5PValidationError) as exc:
        h5p_package_import(file=factories.build(files))
    assert any("newer than the player" in m for m in exc.value.messages)
    assert not H5PPackage.objects.exists()
    meta["coreApi"] = {"majorVersion": 1, "minorVersion": 24}
    assert h5p_package_import(file=factories.build(files)).status in ("pending", "ready")
