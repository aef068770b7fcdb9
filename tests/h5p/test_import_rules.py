"""Issue 15's import rules: what a real Hub package may carry (left out or ignored, with a
report in the trainer's language) and what breaks a package (every JSON file is checked)."""

import pytest
from django.test import Client
from django.utils import translation

from courses.h5p.models import H5PLibrary, H5PPackage
from courses.h5p.selectors import h5p_import_report_lines
from courses.h5p.services import H5PValidationError, h5p_package_import, h5p_package_validate
from tests import factories as common
from tests.h5p.factories import build, lesson_with, library_json, valid_files, valid_package
from tests.h5p.test_delivery import files_base
from tests.h5p.test_store import stored_files

pytestmark = pytest.mark.django_db


def issues_of(data: bytes):
    with pytest.raises(H5PValidationError) as info:
        h5p_package_validate(data=data)
    return info.value.issues


def with_flash():
    """A library carrying Flash and PHP files, as some Hub libraries do (Course Presentation)."""
    files = valid_files()
    files["H5P.TestLib-1.0/swf/player.swf"] = b"FWS\x0a"
    files["H5P.TestLib-1.0/tools/x.php"] = "<?php echo 1;"
    files["H5P.TestLib-1.0/images/bad.svg"] = '<svg onload="alert(1)"></svg>'
    return files


# --- Rule 1: refused file types inside a library are left out, not the package ----------


def test_library_files_of_refused_types_are_left_out_and_the_package_is_accepted(
    import_package, private_storage
):
    package = import_package(build(with_flash()))
    assert package.status == H5PPackage.Status.READY, package.errors
    assert package.import_report["left_out"] == [
        {"file": "H5P.TestLib-1.0/images/bad.svg", "reason": "svg"},
        {"file": "H5P.TestLib-1.0/swf/player.swf", "reason": "type", "ext": "swf"},
        {"file": "H5P.TestLib-1.0/tools/x.php", "reason": "type", "ext": "php"},
    ]
    names = stored_files(private_storage)
    assert not [n for n in names if n.endswith((".swf", ".php", "bad.svg"))], names
    assert [n for n in names if n.endswith("/lib.js")]


def test_a_left_out_file_is_never_served(client, import_package):
    from courses.h5p.services import h5p_activity_create

    package = import_package(build(with_flash()))
    activity = h5p_activity_create(key="flash", title="Flash", package=package, language="fr")
    lesson = lesson_with(activity)
    client.force_login(common.UserFactory())
    base = files_base(client, lesson.pk, activity.key)
    library = H5PLibrary.objects.get(machine_name="H5P.TestLib")
    folder = f"{base}/libraries/{library.folder_name}"
    anonymous = Client()
    assert anonymous.get(f"{folder}/lib.js").status_code == 200
    assert anonymous.get(f"{folder}/swf/player.swf").status_code == 404
    assert anonymous.get(f"{folder}/tools/x.php").status_code == 404


def test_a_left_out_file_the_library_needs_to_run_still_refuses_the_package():
    files = valid_files()
    files["H5P.TestLib-1.0/library.json"] = library_json(
        deps=[("H5P.TestDep", 1, 2)], js=("lib.js", "player.swf")
    )
    files["H5P.TestLib-1.0/player.swf"] = b"FWS"
    issues = issues_of(build(files))
    assert [(i.file, i.field) for i in issues] == [
        ("H5P.TestLib-1.0/library.json", "preloadedJs[1].path")
    ]


def test_content_files_of_refused_types_still_refuse_the_package():
    files = valid_files()
    files["content/movie.swf"] = b"FWS"
    issues = issues_of(build(files))
    assert [i.file for i in issues] == ["content/movie.swf"]


def test_a_content_svg_with_a_script_still_refuses_the_package():
    files = valid_files()
    files["content/images/x.svg"] = "<svg><script>alert(1)</script></svg>"
    assert [i.file for i in issues_of(build(files))] == ["content/images/x.svg"]


# --- Rule 2: every JSON file is parsed and checked -------------------------------------


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("H5P.TestLib-1.0/language/fr.json", "{not json", "not valid JSON"),
        ("H5P.TestLib-1.0/language/ar.json", "[1, 2]", "JSON object"),
        ("H5P.TestLib-1.0/language/français.json", "{}", "language/<code>.json"),
        ("H5P.TestLib-1.0/semantics.json", "{broken", "not valid JSON"),
        ("H5P.TestLib-1.0/semantics.json", '{"name": "x"}', "list of fields"),
        ("H5P.TestDep-1.2/data/extra.json", "nope", "not valid JSON"),
        ("content/content.json", "[]", "JSON object"),
        ("content/extra/data.json", "{'single': 'quotes'}", "not valid JSON"),
    ],
)
def test_every_json_file_of_libraries_and_content_is_checked(path, value, message):
    files = valid_files()
    files[path] = value
    issues = issues_of(build(files))
    assert len(issues) == 1, [str(i) for i in issues]
    assert issues[0].file == path and message in issues[0].message


def test_valid_language_and_semantics_files_are_accepted():
    files = valid_files()
    files["H5P.TestLib-1.0/language/fr.json"] = {"semantics": []}
    files["H5P.TestLib-1.0/language/pt-br.json"] = {"semantics": []}
    files["H5P.TestLib-1.0/semantics.json"] = [{"name": "question", "type": "text"}]
    h5p_package_validate(data=build(files))


def test_a_broken_language_file_is_refused_even_when_the_library_is_installed(
    import_package, private_storage
):
    import_package(valid_package())
    before = stored_files(private_storage)
    files = valid_files()
    files["H5P.TestLib-1.0/language/ar.json"] = '{"semantics": ['
    with pytest.raises(H5PValidationError) as info:
        h5p_package_import(file=build(files))
    assert [i.file for i in info.value.issues] == ["H5P.TestLib-1.0/language/ar.json"]
    assert H5PPackage.objects.count() == 1
    assert stored_files(private_storage) == before


# --- Rule 3: extra files at the top are ignored with a warning -------------------------


def test_extra_top_level_files_are_ignored_never_stored_and_reported(
    import_package, private_storage
):
    files = valid_files()
    files["README.txt"] = "hello"
    files["evil.html"] = "<script>alert(1)</script>"
    package = import_package(build(files))
    assert package.status == H5PPackage.Status.READY, package.errors
    assert [i["file"] for i in package.import_report["ignored"]] == ["README.txt", "evil.html"]
    assert not [n for n in stored_files(private_storage) if n.endswith(("README.txt", ".html"))]


# --- Rule 4: coreApi newer than the player ------------------------------------------------


def test_a_library_needing_a_newer_h5p_core_than_the_player_is_refused_clearly(settings):
    settings.H5P = {"PLAYER_CORE_API": (1, 27)}
    files = valid_files()
    files["H5P.TestDep-1.2/library.json"] = {
        **library_json("H5P.TestDep", 1, 2, js=("dep.js",)),
        "coreApi": {"majorVersion": 1, "minorVersion": 28},
    }
    issues = issues_of(build(files))
    assert [(i.file, i.field) for i in issues] == [("H5P.TestDep-1.2/library.json", "coreApi")]
    assert "H5P core 1.28" in issues[0].message and "H5P core 1.27" in issues[0].message


# --- Rule 5: the report, in the trainer's language ----------------------------------------


def test_the_import_report_lists_added_reused_left_out_and_ignored_in_fr_and_ar(import_package):
    import_package(valid_package())
    files = with_flash()
    files["notes.txt"] = "x"
    package = import_package(build(files))
    with translation.override("fr"):
        fr = h5p_import_report_lines(package.import_report)
    with translation.override("ar"):
        ar = h5p_import_report_lines(package.import_report)
    assert len(fr) == len(ar) == 6  # 2 reused, 3 left out, 1 ignored
    assert fr[0] == "Bibliothèque déjà installée, réutilisée : H5P.TestDep 1.2.0"
    assert "H5P.TestLib-1.0/swf/player.swf" in fr[3] and ".swf" in fr[3]
    assert fr[3].startswith("Fichier écarté")
    assert fr[5].startswith("Fichier ignoré : notes.txt")
    assert ar[0].startswith("مكتبة مثبتة من قبل")
    assert ar[3].startswith("ملف مستبعد") and "player.swf" in ar[3]
    assert ar[5].startswith("ملف متجاهل") and "notes.txt" in ar[5]


def test_a_new_package_reports_the_libraries_it_added():
    with translation.override("fr"):
        lines = h5p_import_report_lines({"added": ["H5P.TestLib 1.0.0"]})
    assert lines == ["Bibliothèque ajoutée : H5P.TestLib 1.0.0"]


def test_the_trainer_sees_the_report_after_uploading_in_their_language(
    client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from wagtail.users.models import UserProfile

    admin = common.UserFactory(is_superuser=True, is_staff=True)
    UserProfile.objects.update_or_create(user=admin, defaults={"preferred_language": "ar"})
    client.force_login(admin)
    files = with_flash()
    files["notes.txt"] = "x"
    upload = SimpleUploadedFile("flash.h5p", build(files), content_type="application/zip")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("h5p-packages:add"), {"title": "", "file": upload}, follow=True
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert H5PPackage.objects.get().status == H5PPackage.Status.READY
    assert "ملف مستبعد" in text and "player.swf" in text
    assert "ملف متجاهل" in text and "notes.txt" in text
