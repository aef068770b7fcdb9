"""Every validation rule, each with a package that breaks only that rule."""

import json
import warnings
import zipfile

import pytest

from courses.h5p.models import H5PLibrary
from courses.h5p.services import H5PValidationError, h5p_package_validate
from tests.h5p.factories import build, valid_files, valid_package

pytestmark = pytest.mark.django_db


def issues_of(data: bytes):
    with pytest.raises(H5PValidationError) as info:
        h5p_package_validate(data=data)
    return info.value.issues


def only_issue(data: bytes):
    issues = issues_of(data)
    assert len(issues) == 1, [str(i) for i in issues]
    return issues[0]


def test_valid_package_passes_and_lists_dependencies_first():
    package, order = h5p_package_validate(data=valid_package())
    assert package.title == "Paquet de test"
    assert [r.folder for r in order] == ["H5P.TestDep-1.2", "H5P.TestLib-1.0"]


def test_file_that_is_not_a_zip_is_refused_with_a_clear_message():
    issue = only_issue(b"%PDF-1.7 not a zip")
    assert "not an H5P package" in issue.message


def test_missing_h5p_json_is_refused():
    files = valid_files()
    del files["h5p.json"]
    issue = only_issue(build(files))
    assert issue.file == "h5p.json" and "missing" in issue.message


def test_h5p_json_that_is_not_json_is_refused():
    files = valid_files()
    files["h5p.json"] = "{title: nope"
    issue = only_issue(build(files))
    assert issue.file == "h5p.json" and "not valid JSON" in issue.message


@pytest.mark.parametrize("field", ["title", "mainLibrary", "language", "preloadedDependencies"])
def test_h5p_json_required_fields_are_checked(field):
    files = valid_files()
    del files["h5p.json"][field]
    issues = issues_of(build(files))
    assert ("h5p.json", field) in [(i.file, i.field) for i in issues]
    assert len(issues) == 1 or field == "mainLibrary"


def test_main_library_must_be_a_preloaded_dependency():
    files = valid_files()
    files["h5p.json"]["mainLibrary"] = "H5P.TestDep"
    issue = only_issue(build(files))
    assert (issue.file, issue.field) == ("h5p.json", "mainLibrary")


def test_missing_content_json_is_refused():
    files = valid_files()
    del files["content/content.json"]
    issue = only_issue(build(files))
    assert issue.file == "content/content.json" and "missing" in issue.message


def test_content_json_that_is_not_json_is_refused():
    files = valid_files()
    files["content/content.json"] = '{"a": '
    issue = only_issue(build(files))
    assert issue.file == "content/content.json" and "not valid JSON" in issue.message


def test_library_folder_without_library_json_is_refused():
    files = valid_files()
    del files["H5P.TestDep-1.2/library.json"]
    issue = only_issue(build(files))
    assert issue.file == "H5P.TestDep-1.2/library.json" and "missing" in issue.message


def test_library_json_that_is_not_json_is_refused():
    files = valid_files()
    files["H5P.TestDep-1.2/library.json"] = "nope"
    issue = only_issue(build(files))
    assert issue.file == "H5P.TestDep-1.2/library.json"


@pytest.mark.parametrize(
    "change",
    [{"machineName": "H5P.Other"}, {"majorVersion": 2}, {"minorVersion": 3}],
    ids=["machineName", "major", "minor"],
)
def test_library_json_must_match_its_folder(change):
    files = valid_files()
    files["H5P.TestDep-1.2/library.json"].update(change)
    issue = only_issue(build(files))
    assert issue.file == "H5P.TestDep-1.2/library.json"
    assert "does not match the folder name" in issue.message


def test_library_json_needs_a_patch_version():
    files = valid_files()
    del files["H5P.TestDep-1.2/library.json"]["patchVersion"]
    issue = only_issue(build(files))
    assert (issue.file, issue.field) == ("H5P.TestDep-1.2/library.json", "patchVersion")


def test_library_json_preloaded_file_must_exist():
    files = valid_files()
    del files["H5P.TestDep-1.2/dep.js"]
    issue = only_issue(build(files))
    assert issue.field == "preloadedJs[0].path" and "dep.js" in issue.message


def test_library_folder_must_be_named_with_its_version():
    files = valid_files()
    files["Extras/readme.txt"] = "hello"
    issue = only_issue(build(files))
    assert issue.file == "Extras/" and "MachineName-major.minor" in issue.message


def test_dependency_missing_from_package_and_store_is_refused():
    files = valid_files()
    files["H5P.TestDep-1.2/library.json"]["preloadedDependencies"] = [
        {"machineName": "H5P.Missing", "majorVersion": 3, "minorVersion": 1}
    ]
    issue = only_issue(build(files))
    assert issue.file == "H5P.TestDep-1.2/library.json"
    assert (
        "H5P.Missing 3.1" in issue.message
        and "neither in the package nor installed" in issue.message
    )


def test_package_without_libraries_gets_the_export_with_libraries_message():
    files = {k: v for k, v in valid_files().items() if not k.startswith("H5P.")}
    issue = only_issue(build(files))
    assert "contains no libraries" in issue.message
    assert "with the libraries included" in issue.message
    assert "H5P.TestLib 1.0" in issue.message


def test_package_without_libraries_is_accepted_when_the_store_has_them(import_package):
    import_package(valid_package())
    files = {k: v for k, v in valid_files().items() if not k.startswith("H5P.")}
    package, order = h5p_package_validate(data=build(files))
    assert not package.libraries and len(order) == 2


@pytest.mark.parametrize("name", ["content/run.exe", "content/script.js", "content/page.html"])
def test_content_file_types_outside_the_whitelist_are_refused(name):
    files = valid_files()
    files[name] = "data"
    issue = only_issue(build(files))
    assert issue.file == name and "not allowed" in issue.message


def test_hidden_files_and_macos_folders_are_ignored():
    files = valid_files()
    files["__MACOSX/._h5p.json"] = "junk"
    files["content/.DS_Store"] = "junk"
    h5p_package_validate(data=build(files))


@pytest.mark.parametrize("name", ["/etc/passwd.txt", "C:/x/evil.txt", "content\\evil.txt"])
def test_absolute_paths_are_refused(name):
    files = valid_files()
    files[name] = "x"
    issue = only_issue(build(files))
    assert issue.file == name and "absolute" in issue.message


def test_parent_directory_paths_are_refused():
    files = valid_files()
    files["content/../../evil.txt"] = "x"
    issue = only_issue(build(files))
    assert "'..'" in issue.message


def test_symbolic_links_are_refused():
    data = build(valid_files(), symlinks={"content/link.txt": "/etc/passwd"})
    issue = only_issue(data)
    assert issue.file == "content/link.txt" and "symbolic links" in issue.message


@pytest.mark.parametrize("dup", ["content/images/photo.png", "CONTENT/images/Photo.png"])
def test_duplicate_names_are_refused(dup):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = build(valid_files(), duplicates=[(dup, b"\x89PNG again")])
    issue = only_issue(data)
    assert issue.file == dup and "duplicate" in issue.message


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)">x</a></svg>',
    ],
    ids=["script", "handler", "javascript-url"],
)
def test_svg_with_scripts_or_event_handlers_is_refused(svg):
    files = valid_files()
    files["content/images/logo.svg"] = svg
    issue = only_issue(build(files))
    assert issue.file == "content/images/logo.svg" and "SVG" in issue.message


def test_plain_svg_is_accepted():
    files = valid_files()
    files["content/images/logo.svg"] = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'
    )
    h5p_package_validate(data=build(files))


def test_total_uncompressed_size_is_limited(settings):
    settings.H5P = {"MAX_UNCOMPRESSED_BYTES": 4000}
    files = valid_files()
    files["content/big.txt"] = "x" * 5000
    issue = only_issue(build(files, compression=zipfile.ZIP_STORED))
    assert "uncompressed size" in issue.message


def test_file_count_is_limited(settings):
    settings.H5P = {"MAX_FILES": 10}
    files = valid_files()
    for n in range(5):
        files[f"content/images/{n}.png"] = b"png"
    issue = only_issue(build(files))
    assert "too many files" in issue.message


def test_compression_ratio_is_limited():
    files = valid_files()
    files["content/zeros.txt"] = b"\0" * (3 * 1024 * 1024)
    issue = only_issue(build(files))
    assert "compression ratio" in issue.message and "zip bomb" in issue.message


def test_upload_size_is_limited(settings):
    settings.H5P = {"MAX_UPLOAD_BYTES": 100}
    issue = only_issue(valid_package())
    assert "over the limit" in issue.message


def test_extra_files_at_the_top_of_the_package_are_ignored_and_listed():
    files = valid_files()
    files["notes.txt"] = "hello"
    files["run.exe"] = "MZ"
    package, _order = h5p_package_validate(data=build(files))
    assert package.ignored == [
        {"file": "notes.txt", "reason": "root"},
        {"file": "run.exe", "reason": "root"},
    ]


def test_blocked_library_version_is_refused(import_package):
    import_package(valid_package())
    H5PLibrary.objects.filter(machine_name="H5P.TestDep").update(is_blocked=True)
    issue = only_issue(valid_package())
    assert "H5P.TestDep 1.2" in issue.message and "blocked" in issue.message


def test_errors_name_file_field_and_problem():
    files = valid_files()
    files["h5p.json"]["language"] = 42
    issue = only_issue(build(files))
    assert str(issue).startswith("h5p.json [language]: ")
    assert issue.as_dict() == {"file": "h5p.json", "field": "language", "message": issue.message}
    assert json.dumps(issue.as_dict())


def test_every_message_is_translated_in_french_and_arabic():
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parents[2] / "courses" / "h5p" / "locale"
    for lang in ("fr", "ar"):
        po = polib.pofile(str(root / lang / "LC_MESSAGES" / "django.po"))
        untranslated = [e.msgid for e in po if not e.msgstr and not e.obsolete]
        assert untranslated == [], (lang, untranslated)
        assert not [e.msgid for e in po if "fuzzy" in e.flags]
