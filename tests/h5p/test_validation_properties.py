"""Property-based tests of the H5P package validator and import: whatever the upload, the
only failure is the validator's own clear refusal, and a refused import leaves nothing
behind (no package or library row, no file in the private storage)."""

import copy
import io
import json
import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.h5p.models import H5PLibrary, H5PPackage
from courses.h5p.services import H5PValidationError, h5p_package_import, h5p_package_validate
from tests.h5p.factories import valid_files

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- Generated inputs -------------------------------------------------------------------------

# Path segments: plausible ones, the traps, and anything.
segment = st.one_of(
    st.sampled_from(
        [
            "content",
            "content.json",
            "h5p.json",
            "library.json",
            "H5P.TestLib-1.0",
            "H5P.TestDep-1.2",
            "lib.js",
            "photo.png",
            "..",
            ".",
            "",
            "__MACOSX",
            ".DS_Store",
            "C:",
            "a\\b",
            "x" * 300,
            "é" * 200,
            "مكتبة",
            "H5P.X-１.0",
            "H5P.X-99999999999999999999.0",
            "image.svg",
            "run.exe",
            "CONTENT",
        ]
    ),
    st.text(max_size=20),
)
member_name = st.one_of(
    st.lists(segment, min_size=1, max_size=4).map("/".join),
    st.lists(segment, min_size=1, max_size=3).map(lambda p: "/" + "/".join(p)),
)

# JSON-ish values, with the numbers and strings that fool naive checks.
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            "1",
            "０",
            "²",
            "١",
            "-1",
            "1.0",
            "fr",
            "ar",
            "fr-" + "x" * 8 * 3,
            "H5P.TestLib",
            "H5P.TestDep",
            "lib.js",
            "x" * 300,
        ]
    ),
    st.text(max_size=20),
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
H5P_KEYS = ["title", "language", "mainLibrary", "preloadedDependencies", "embedTypes"]
LIBRARY_KEYS = [
    "title",
    "machineName",
    "majorVersion",
    "minorVersion",
    "patchVersion",
    "runnable",
    "preloadedJs",
    "preloadedCss",
    "preloadedDependencies",
    "dynamicDependencies",
    "editorDependencies",
    "coreApi",
]
dependency = st.fixed_dictionaries(
    {
        "machineName": st.one_of(st.sampled_from(["H5P.TestLib", "H5P.TestDep"]), json_scalar),
        "majorVersion": st.one_of(st.sampled_from([0, 1, 2]), json_scalar),
        "minorVersion": st.one_of(st.sampled_from([0, 1, 2]), json_scalar),
    }
)


def _field_value(key):
    if key.endswith("Dependencies"):
        return st.one_of(st.lists(dependency, max_size=3), json_value)
    if key == "coreApi":
        return st.one_of(
            st.fixed_dictionaries({"majorVersion": json_scalar, "minorVersion": json_scalar}),
            json_value,
        )
    return json_value


def mutated(keys):
    """Changes to a JSON object: keys set to generated values, or removed."""
    return st.dictionaries(
        st.sampled_from(keys),
        st.one_of(st.just(None), *[_field_value(k) for k in keys]).flatmap(
            lambda v: st.sampled_from([v, "__delete__"])
        ),
        max_size=4,
    )


def _apply(obj, changes):
    obj = copy.deepcopy(obj)
    for key, value in changes.items():
        if value == "__delete__":
            obj.pop(key, None)
        else:
            obj[key] = value
    return obj


@st.composite
def packages(draw):
    """A package near the valid one: JSON fields changed, files added, renamed or removed."""
    files = valid_files()
    files["h5p.json"] = _apply(files["h5p.json"], draw(mutated(H5P_KEYS)))
    for folder in ("H5P.TestLib-1.0", "H5P.TestDep-1.2"):
        key = f"{folder}/library.json"
        files[key] = _apply(files[key], draw(mutated(LIBRARY_KEYS)))
    if draw(st.booleans()):
        files["content/content.json"] = draw(json_value)
    for name in draw(st.lists(st.sampled_from(sorted(files)), max_size=2, unique=True)):
        if draw(st.booleans()):
            del files[name]
        else:  # whole file replaced with any bytes
            files[name] = draw(st.binary(max_size=40))
    extra = draw(
        st.dictionaries(member_name, st.one_of(json_value, st.binary(max_size=40)), max_size=4)
    )
    for name, value in extra.items():
        files.setdefault(name, value)
    return files


def _zip(files: dict) -> bytes:
    """Like ``build``, but any name (even empty) is written as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, value in files.items():
            if not isinstance(value, (bytes, str)):
                value = json.dumps(value)
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, value)
    return buffer.getvalue()


# --- Checks -----------------------------------------------------------------------------------


def _stored_files(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _fits_its_columns(record: H5PPackage):
    for name in ("title", "main_library", "language", "source_name", "source_path"):
        field = H5PPackage._meta.get_field(name)
        assert len(getattr(record, name)) <= field.max_length, (name, getattr(record, name))


def _import_or_refuse(data: bytes, storage_root, capture):
    """Imports (and extracts) ``data`` in a rolled-back transaction."""
    before_files = _stored_files(storage_root) if storage_root.exists() else []
    with transaction.atomic():
        before = (H5PPackage.objects.count(), H5PLibrary.objects.count())
        try:
            with capture(execute=True):
                record = h5p_package_import(file=data)
        except H5PValidationError as exc:
            assert exc.issues and all(i.message for i in exc.issues)
            assert (H5PPackage.objects.count(), H5PLibrary.objects.count()) == before
            after_files = _stored_files(storage_root) if storage_root.exists() else []
            assert after_files == before_files  # nothing half stored
        else:
            record.refresh_from_db()
            _fits_its_columns(record)
            assert record.status in (H5PPackage.Status.READY, H5PPackage.Status.FAILED)
            if record.status == H5PPackage.Status.FAILED:
                assert record.errors
        transaction.set_rollback(True)


# --- Properties -------------------------------------------------------------------------------


@SETTINGS
@given(raw=st.binary(max_size=400))
def test_any_bytes_are_read_or_clearly_refused(raw):
    for data in (raw, b"PK\x03\x04" + raw):
        try:
            h5p_package_validate(data=data)
        except H5PValidationError as exc:
            assert exc.issues and all(i.message for i in exc.issues)


@SETTINGS
@given(
    files=st.dictionaries(member_name, st.one_of(json_value, st.binary(max_size=40)), max_size=6)
)
def test_any_zip_of_any_names_is_validated_or_clearly_refused(files):
    try:
        h5p_package_validate(data=_zip(files))
    except H5PValidationError as exc:
        assert exc.issues and all(i.message for i in exc.issues)


@SETTINGS
@given(files=packages())
def test_near_valid_packages_are_imported_or_refused_leaving_nothing_behind(
    files, private_storage, django_capture_on_commit_callbacks
):
    _import_or_refuse(_zip(files), private_storage, django_capture_on_commit_callbacks)


@SETTINGS
@given(raw=st.binary(max_size=200), names=st.lists(member_name, max_size=3))
def test_refused_uploads_store_nothing(
    raw, names, private_storage, django_capture_on_commit_callbacks
):
    files = {n: raw for n in names}
    for data in (raw, _zip(files)):
        _import_or_refuse(data, private_storage, django_capture_on_commit_callbacks)


# --- What the properties found (each crashed before the fix) ---------------------------------


def _lib(files, folder="H5P.TestDep-1.2"):
    return files[f"{folder}/library.json"]


def _superscript_patch(files):
    _lib(files)["patchVersion"] = "²"  # a digit to str.isdigit, not to int()


def _superscript_dependency(files):
    files["h5p.json"]["preloadedDependencies"][0]["majorVersion"] = "²"


def _huge_patch(files):
    _lib(files)["patchVersion"] = 2**70  # no database column holds it


def _long_language(files):
    files["h5p.json"]["language"] = "fr-abcdefgh-abcdefgh"  # over H5PPackage.language


def _long_file_name(files):
    files["content/" + "x" * 300 + ".png"] = b"x"  # over the file system's 255 bytes


def _empty_member_name(files):
    files[""] = b""


@pytest.mark.parametrize(
    "breaks",
    [
        _superscript_patch,
        _superscript_dependency,
        _huge_patch,
        _long_language,
        _long_file_name,
        _empty_member_name,
    ],
)
def test_packages_that_crashed_the_import_are_refused_clearly(
    breaks, private_storage, django_capture_on_commit_callbacks
):
    files = valid_files()
    breaks(files)
    with pytest.raises(H5PValidationError):
        h5p_package_validate(data=_zip(files))
    _import_or_refuse(_zip(files), private_storage, django_capture_on_commit_callbacks)
