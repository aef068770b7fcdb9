"""Import service, library store (reuse, patch upgrades, blocking), extraction task, command."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courses.h5p.models import H5PLibrary, H5PPackage
from courses.h5p.services import (
    H5PValidationError,
    h5p_library_set_blocked,
    h5p_library_set_patch_upgrades,
    h5p_package_extract,
    h5p_package_import,
)
from tests.h5p.factories import build, valid_files, valid_package

pytestmark = pytest.mark.django_db


def stored_files(root: Path) -> list[str]:
    return (
        sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        if root.exists()
        else []
    )


def test_import_extracts_content_and_libraries_after_commit(import_package, private_storage):
    package = import_package(valid_package(), title="Titre choisi")
    assert package.status == H5PPackage.Status.READY
    assert package.title == "Titre choisi" and package.language == "fr"
    assert package.main_library == "H5P.TestLib"
    assert sorted(package.import_report["added"]) == ["H5P.TestDep 1.2.0", "H5P.TestLib 1.0.0"]
    files = stored_files(private_storage)
    assert f"h5p/content/{package.uuid}/content/content.json" in files
    assert f"h5p/content/{package.uuid}/content/images/photo.png" in files
    lib = H5PLibrary.objects.get(machine_name="H5P.TestLib")
    assert (private_storage / lib.storage_path / "lib.js").exists()
    assert lib.preloaded_js == ["lib.js"] and lib.preloaded_css == ["lib.css"]


def test_import_is_pending_until_the_transaction_commits(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        package = h5p_package_import(file=valid_package())
    assert package.status == H5PPackage.Status.PENDING
    assert len(callbacks) == 1
    assert not H5PLibrary.objects.exists()


def test_libraries_are_stored_once_and_reused_across_packages(import_package, private_storage):
    first = import_package(valid_package())
    second = import_package(valid_package(title="Autre"))
    assert H5PLibrary.objects.count() == 2
    assert sorted(second.import_report["reused"]) == ["H5P.TestDep 1.2.0", "H5P.TestLib 1.0.0"]
    assert second.import_report["added"] == []
    dep = H5PLibrary.objects.get(machine_name="H5P.TestDep")
    assert set(dep.packages.all()) == {first, second}
    assert len([f for f in stored_files(private_storage) if f.endswith("dep.js")]) == 1


def test_newer_patch_is_ignored_unless_admins_allow_it(import_package, private_storage):
    import_package(valid_package(dep_patch=1))
    dep = H5PLibrary.objects.get(machine_name="H5P.TestDep")
    second = import_package(valid_package(dep_patch=4))
    dep.refresh_from_db()
    assert dep.patch_version == 1 and "H5P.TestDep 1.2.1" in second.import_report["reused"]

    h5p_library_set_patch_upgrades(library=dep, allowed=True)
    old_path = dep.storage_path
    third = import_package(valid_package(dep_patch=4, title="Troisième"))
    dep.refresh_from_db()
    assert dep.patch_version == 4
    assert third.import_report["upgraded"] == ["H5P.TestDep 1.2.1 → 4"]
    assert not (private_storage / old_path).exists()
    assert (private_storage / dep.storage_path / "dep.js").exists()
    assert H5PLibrary.objects.filter(machine_name="H5P.TestDep").count() == 1


def test_older_patch_never_replaces_a_newer_one(import_package):
    import_package(valid_package(dep_patch=3))
    dep = H5PLibrary.objects.get(machine_name="H5P.TestDep")
    h5p_library_set_patch_upgrades(library=dep, allowed=True)
    import_package(valid_package(dep_patch=1))
    dep.refresh_from_db()
    assert dep.patch_version == 3


def test_rejected_package_stores_nothing(db, private_storage, django_capture_on_commit_callbacks):
    files = valid_files()
    del files["content/content.json"]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(H5PValidationError):
        h5p_package_import(file=build(files))
    assert not H5PPackage.objects.exists() and not H5PLibrary.objects.exists()
    assert stored_files(private_storage) == []


def test_blocked_version_refuses_packages_that_need_it(import_package, private_storage):
    import_package(valid_package())
    h5p_library_set_blocked(
        library=H5PLibrary.objects.get(machine_name="H5P.TestDep"), blocked=True
    )
    before = stored_files(private_storage)
    with pytest.raises(H5PValidationError) as info:
        import_package(valid_package(title="Refusé"))
    assert "blocked by the administrators" in info.value.messages[0]
    assert H5PPackage.objects.count() == 1
    assert stored_files(private_storage) == before


def test_extraction_fails_with_errors_when_a_library_is_blocked_meanwhile(
    db, django_capture_on_commit_callbacks, import_package, private_storage
):
    import_package(valid_package())
    with django_capture_on_commit_callbacks(execute=False):
        package = h5p_package_import(file=valid_package(title="En attente"))
    h5p_library_set_blocked(
        library=H5PLibrary.objects.get(machine_name="H5P.TestLib"), blocked=True
    )
    result = h5p_package_extract(package_id=package.pk)
    assert result.status == H5PPackage.Status.FAILED
    assert "blocked" in result.errors[0]["message"]
    assert not (private_storage / "h5p" / "content" / str(package.uuid)).exists()


@pytest.mark.django_db(transaction=True)
def test_import_command_prints_package_id_and_libraries(tmp_path):
    path = tmp_path / "quiz.h5p"
    path.write_bytes(valid_package())
    out = io.StringIO()
    call_command("h5p_import", str(path), "--title", "Depuis la commande", stdout=out)
    package = H5PPackage.objects.get()
    text = out.getvalue()
    assert f"package {package.pk} (ready)" in text
    assert "Library added: H5P.TestLib 1.0.0" in text
    assert "Library added: H5P.TestDep 1.2.0" in text

    out = io.StringIO()
    call_command("h5p_import", str(path), stdout=out)
    assert f"package {package.pk} (ready)" in out.getvalue()
    assert "reused, nothing added" in out.getvalue() and H5PPackage.objects.count() == 1

    other = tmp_path / "other.h5p"
    other.write_bytes(valid_package(title="Autre"))
    out = io.StringIO()
    call_command("h5p_import", str(other), stdout=out)
    assert "Library already installed, reused: H5P.TestLib 1.0.0" in out.getvalue()


def test_import_command_exits_non_zero_and_prints_errors(tmp_path, db):
    files = valid_files()
    files["content/evil.exe"] = "MZ"
    path = tmp_path / "bad.h5p"
    path.write_bytes(build(files))
    err = io.StringIO()
    with pytest.raises(CommandError, match="rejected"):
        call_command("h5p_import", str(path), stderr=err)
    assert "error: content/evil.exe: file type .exe is not allowed" in err.getvalue()
    assert not H5PPackage.objects.exists()


def test_import_command_exit_status_is_non_zero(tmp_path, db):
    path = tmp_path / "not.h5p"
    path.write_bytes(b"plain text")
    with pytest.raises(SystemExit) as info:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "h5p_import", str(path)]).execute()
    assert info.value.code == 1


def test_demo_builder_makes_packages_that_import_as_activities(
    tmp_path, db, django_capture_on_commit_callbacks
):
    from courses.h5p.models import H5PActivity

    with django_capture_on_commit_callbacks(execute=True):
        call_command("h5p_build_demo", "--output", str(tmp_path), stdout=io.StringIO())
    keys = set(H5PActivity.objects.values_list("key", flat=True))
    assert {"demo-registry", "demo-registry-ar", "demo-phishing", "demo-phishing-ar"} <= keys
    assert H5PActivity.objects.get(key="demo-phishing-ar").language == "ar"
    assert (tmp_path / "demo-phishing.h5p").exists()
    assert H5PLibrary.objects.filter(machine_name="H5P.AcademieQuestion").count() == 1
    assert all(p.status == "ready" for p in H5PPackage.objects.all())


def test_file_names_are_kept_exactly(import_package, private_storage, client):
    files = valid_files()
    files["content/images/photo été 1.png"] = b"\x89PNG"
    package = import_package(build(files))
    assert (private_storage / f"h5p/content/{package.uuid}/content/images/photo été 1.png").exists()


def test_deleting_a_package_removes_its_files_but_keeps_shared_libraries(
    import_package, private_storage, django_capture_on_commit_callbacks
):
    from courses.h5p.services import h5p_package_delete

    first = import_package(valid_package())
    second = import_package(valid_package(title="Second"))
    with django_capture_on_commit_callbacks(execute=True):
        h5p_package_delete(package=first)
    files = stored_files(private_storage)
    assert not any(str(first.uuid) in f for f in files)
    assert any(str(second.uuid) in f for f in files)
    assert H5PLibrary.objects.count() == 2


def test_package_used_by_an_activity_cannot_be_deleted(make_activity):
    from courses.h5p.services import h5p_package_delete

    activity = make_activity(key="garde")
    with pytest.raises(ValueError):
        h5p_package_delete(package=activity.package)
    assert H5PPackage.objects.filter(pk=activity.package_id).exists()
