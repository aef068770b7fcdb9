"""Import of .h5p packages and the shared library store.

``h5p_package_import`` validates everything first (nothing is stored from a rejected
package), keeps the upload in private storage and queues ``h5p_package_extract_task``
after commit; ``h5p_package_extract`` writes content and libraries and marks the package
ready (or failed with its errors).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import uuid as uuid_mod

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from academy.core.antivirus import UploadRefused, upload_check

from ..models import H5PActivity, H5PLibrary, H5PPackage
from ..selectors import h5p_settings
from .validation import (
    H5PValidationError,
    Issue,
    LibraryRef,
    PackagedLibrary,
    ValidatedPackage,
    package_read,
    package_resolve,
)

logger = logging.getLogger(__name__)

UPLOADS_DIR = "h5p/uploads"
CONTENT_DIR = "h5p/content"
LIBRARIES_DIR = "h5p/libraries"


def private_storage():
    return storages["private"]


def _store_index() -> dict[LibraryRef, H5PLibrary]:
    qs = H5PLibrary.objects.all()
    return {LibraryRef(lib.machine_name, lib.major_version, lib.minor_version): lib for lib in qs}


def h5p_package_validate(*, data: bytes) -> tuple[ValidatedPackage, list[LibraryRef]]:
    """Full validation (archive, JSON, libraries, dependencies, blocked versions)."""
    conf = h5p_settings()
    if len(data) > conf["MAX_UPLOAD_BYTES"]:
        raise H5PValidationError(
            [
                Issue(
                    "",
                    "",
                    _("the file is %(size)d bytes, over the limit of %(limit)d bytes")
                    % {"size": len(data), "limit": conf["MAX_UPLOAD_BYTES"]},
                )
            ]
        )
    package = package_read(io.BytesIO(data))
    order = package_resolve(package, _store_index())
    return package, order


def _read_upload(file) -> tuple[bytes, str]:
    if isinstance(file, (bytes, bytearray)):
        return bytes(file), "upload.h5p"
    name = getattr(file, "name", "") or "upload.h5p"
    if hasattr(file, "seek"):
        file.seek(0)
    limit = h5p_settings()["MAX_UPLOAD_BYTES"]
    data = file.read(limit + 1)
    return data, name.rsplit("/", 1)[-1]


def may_install_libraries(user) -> bool:
    """Installing a new library (new JavaScript that runs for every learner) is a platform
    administrator's right, as in Moodle; trainers use the libraries already installed.
    ``None`` is the server itself (management commands, the demo builder)."""
    if user is None:
        return True
    return bool(user.is_active and (user.is_superuser or user.has_perm("h5p.add_h5plibrary")))


def _new_libraries(package: ValidatedPackage, order: list[LibraryRef], store) -> list[str]:
    """Libraries the package would add to the store or upgrade (labels, sorted)."""
    found = []
    for ref in order:
        packaged = package.libraries.get(ref)
        if packaged is None:
            continue
        existing = store.get(ref)
        if existing is None or (
            existing.allow_patch_upgrade and packaged.patch > existing.patch_version
        ):
            found.append(f"{ref.machine_name} {ref.major}.{ref.minor}.{packaged.patch}")
    return sorted(found)


def _file_report(package: ValidatedPackage) -> dict:
    """The files the import did not take, kept as codes: the report is worded when read, in
    the reader's language (``selectors.h5p_import_report_lines``)."""
    return {"left_out": list(package.left_out), "ignored": list(package.ignored)}


HUB_PLACEHOLDER_TITLE = re.compile(r"^\s*(hub download\b.*)?$", re.IGNORECASE)


def package_title(h5p_title: str, source_name: str) -> str:
    """The package's title: h5p.json's, unless it is empty or the placeholder the H5P Hub
    gives its downloads ("Hub Download …"); then the file's name, made readable."""
    if not HUB_PLACEHOLDER_TITLE.match(h5p_title or ""):
        return h5p_title.strip()
    stem = source_name.rsplit(".", 1)[0] if "." in source_name else source_name
    words = re.sub(r"[-_.]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]) if words else (h5p_title or "").strip()


def package_language(h5p_language: str, chosen: str | None) -> str:
    """The language chosen at upload, else h5p.json's unless it is "und" (undetermined, as
    the Hub exports), else the trainer's current language."""
    if chosen:
        return chosen
    if h5p_language and h5p_language.lower() != "und":
        return h5p_language
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def h5p_package_import(
    *, file, title: str | None = None, uploaded_by=None, language: str | None = None
) -> H5PPackage:
    """Validates an uploaded .h5p (file object or bytes) and records it as a pending package.

    A package that brings a new library (or a new version of one) from someone who may not
    install libraries is kept ``held`` (nothing extracted) until an administrator approves
    it. The same file uploaded again returns the package it made (``reused`` set on it). Raises ``H5PValidationError`` (nothing stored) when the package breaks any rule or the
    antivirus refuses the file (``academy.core.antivirus``)."""
    data, source_name = _read_upload(file)
    try:
        upload_check(data=data, name=source_name)  # before anything is read or stored
    except UploadRefused as exc:
        raise H5PValidationError([Issue(source_name, "", exc.message)]) from exc
    package, order = h5p_package_validate(data=data)  # today's rules, even for a known file
    digest = hashlib.sha256(data).hexdigest()
    same = (
        H5PPackage.objects.filter(sha256=digest)
        .exclude(status=H5PPackage.Status.FAILED)
        .order_by("pk")
        .first()
    )
    if same is not None:
        # The same file again: the existing package is reused, nothing is stored twice.
        same.reused = True
        return same
    new = _new_libraries(package, order, _store_index())
    held = bool(new) and not may_install_libraries(uploaded_by)
    storage = private_storage()
    pkg_uuid = uuid_mod.uuid4()
    saved_path = None
    try:
        with transaction.atomic():
            saved_path = storage.save(f"{UPLOADS_DIR}/{pkg_uuid}.h5p", ContentFile(data))
            record = H5PPackage.objects.create(
                uuid=pkg_uuid,
                title=(title or package_title(package.title, source_name)).strip()[:255],
                main_library=package.main_library,
                language=package_language(package.language, language)[:16],
                sha256=digest,
                source_name=source_name[:255],
                source_path=saved_path,
                h5p_json=package.h5p_json,
                uploaded_by=uploaded_by,
                new_libraries=new,
                import_report=_file_report(package),
                status=H5PPackage.Status.HELD if held else H5PPackage.Status.PENDING,
            )
            if not held:
                from ..tasks import h5p_package_extract_task

                h5p_package_extract_task.delay_on_commit(record.pk)
    except Exception:
        if saved_path:
            storage.delete(saved_path)
        raise
    return record


def _write_files(storage, prefix: str, files: dict[str, bytes]) -> None:
    for path, data in files.items():
        target = f"{prefix}/{path}"
        if storage.exists(target):
            storage.delete(target)
        saved = storage.save(target, ContentFile(data))
        if saved != target:  # the player asks for the exact name
            raise OSError(f"storage renamed {target!r} to {saved!r}")


def _delete_tree(storage, prefix: str) -> None:
    try:
        dirs, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        storage.delete(f"{prefix}/{name}")
    for name in dirs:
        _delete_tree(storage, f"{prefix}/{name}")
    try:
        storage.delete(prefix)
    except OSError:
        pass


def _library_store(
    lib: PackagedLibrary,
    existing: H5PLibrary | None,
    storage,
    written: list,
    report: dict,
    obsolete: list,
) -> H5PLibrary:
    meta = lib.metadata
    label = f"{lib.ref.machine_name} {lib.ref.major}.{lib.ref.minor}.{lib.patch}"
    if existing is not None:
        if lib.patch <= existing.patch_version or not existing.allow_patch_upgrade:
            report["reused"].append(f"{existing.machine_name} {existing.version}")
            return existing
    path = f"{LIBRARIES_DIR}/{lib.ref.folder}.{lib.patch}-{uuid_mod.uuid4().hex[:8]}"
    written.append(path)
    _write_files(storage, path, lib.files)
    fields = {
        "patch_version": lib.patch,
        "title": str(meta.get("title", ""))[:255],
        "runnable": bool(meta.get("runnable")),
        "metadata": meta,
        "preloaded_js": [i["path"] for i in meta.get("preloadedJs") or []],
        "preloaded_css": [i["path"] for i in meta.get("preloadedCss") or []],
        "storage_path": path,
    }
    if existing is None:
        report["added"].append(label)
        return H5PLibrary.objects.create(
            machine_name=lib.ref.machine_name,
            major_version=lib.ref.major,
            minor_version=lib.ref.minor,
            **fields,
        )
    report["upgraded"].append(f"{existing.machine_name} {existing.version} → {lib.patch}")
    obsolete.append(existing.storage_path)
    for key, value in fields.items():
        setattr(existing, key, value)
    existing.save()
    return existing


def h5p_package_extract(*, package_id: int) -> H5PPackage:
    """Writes the content and any new libraries of a pending package; ready or failed."""
    storage = private_storage()
    record = H5PPackage.objects.get(pk=package_id)
    if record.status == H5PPackage.Status.READY:
        return record
    written: list[str] = []
    obsolete: list[str] = []
    try:
        with storage.open(record.source_path, "rb") as fh:
            data = fh.read()
        with transaction.atomic():
            # Lock the store rows we may touch (PostgreSQL); validation is re-run against it.
            list(H5PLibrary.objects.select_for_update().all())
            package, order = h5p_package_validate(data=data)
            store = _store_index()
            new = _new_libraries(package, order, store)
            if (
                new
                and record.libraries_approved_by_id is None
                and not may_install_libraries(record.uploaded_by)
            ):
                record.status = H5PPackage.Status.HELD
                record.new_libraries = new
                record.save(update_fields=["status", "new_libraries", "updated_at"])
                return record
            report = {"added": [], "reused": [], "upgraded": [], **_file_report(package)}
            used = []
            for ref in order:
                existing = store.get(ref)
                packaged = package.libraries.get(ref)
                if packaged is not None:
                    used.append(
                        _library_store(packaged, existing, storage, written, report, obsolete)
                    )
                else:
                    report["reused"].append(f"{existing.machine_name} {existing.version}")
                    used.append(existing)
            content_prefix = f"{CONTENT_DIR}/{record.uuid}"
            written.append(content_prefix)
            _write_files(storage, f"{content_prefix}/content", package.content_files)
            _write_files(
                storage, content_prefix, {"h5p.json": json.dumps(package.h5p_json).encode()}
            )
            record.libraries.set(used)
            record.content_path = content_prefix
            record.status = H5PPackage.Status.READY
            record.errors = []
            record.import_report = report
            record.save()
    except H5PValidationError as exc:
        _cleanup(storage, written)
        H5PPackage.objects.filter(pk=package_id).update(
            status=H5PPackage.Status.FAILED, errors=[i.as_dict() for i in exc.issues]
        )
        record.refresh_from_db()
        return record
    except Exception:
        _cleanup(storage, written)
        logger.exception("H5P package %s could not be extracted", package_id)
        H5PPackage.objects.filter(pk=package_id).update(
            status=H5PPackage.Status.FAILED,
            errors=[
                Issue("", "", _("the package could not be extracted; see the server log")).as_dict()
            ],
        )
        raise
    transaction.on_commit(lambda: _cleanup(storage, obsolete))
    return record


def h5p_package_approve_libraries(*, package: H5PPackage, user) -> H5PPackage:
    """An administrator approves the new libraries of a held package: it is extracted."""
    if not may_install_libraries(user) or user is None:
        raise PermissionDenied(_("Only a platform administrator may install new H5P libraries."))
    with transaction.atomic():
        package = H5PPackage.objects.select_for_update().get(pk=package.pk)
        if package.status != H5PPackage.Status.HELD:
            return package
        package.libraries_approved_by = user
        package.libraries_approved_at = timezone.now()
        package.status = H5PPackage.Status.PENDING
        package.save()
        from ..tasks import h5p_package_extract_task

        h5p_package_extract_task.delay_on_commit(package.pk)
    return package


def _cleanup(storage, prefixes):
    for prefix in prefixes:
        _delete_tree(storage, prefix)


def h5p_package_delete(*, package: H5PPackage) -> None:
    """Deletes a package no activity uses, with its upload and content files (after commit).
    Libraries stay in the store: other packages may share them."""
    if package.activities.exists():
        raise ValueError(_("This package is used by activities: delete them first."))
    storage = private_storage()
    paths = [p for p in (package.content_path,) if p]
    upload = package.source_path
    package.delete()

    def _remove():
        _cleanup(storage, paths)
        if upload and storage.exists(upload):
            storage.delete(upload)

    transaction.on_commit(_remove)


def h5p_library_set_blocked(*, library: H5PLibrary, blocked: bool) -> H5PLibrary:
    library.is_blocked = blocked
    library.save(update_fields=["is_blocked", "updated_at"])
    return library


def h5p_library_set_patch_upgrades(*, library: H5PLibrary, allowed: bool) -> H5PLibrary:
    library.allow_patch_upgrade = allowed
    library.save(update_fields=["allow_patch_upgrade", "updated_at"])
    return library


def h5p_activity_create(*, key: str, title: str, package: H5PPackage, language: str) -> H5PActivity:
    """Creates or updates the activity with this key (used by the demo builder and imports)."""
    activity, _created = H5PActivity.objects.update_or_create(
        key=key, defaults={"title": title, "package": package, "language": language}
    )
    return activity


def h5p_activity_replace_package(*, activity: H5PActivity, package: H5PPackage) -> H5PActivity:
    """Plays a new version of the activity's content: learners' results stay (they belong
    to the activity); saved resume states are dropped, as they describe the old content."""
    if package.status != H5PPackage.Status.READY:
        raise ValueError(_("Only a package that is ready can replace an activity's content."))
    with transaction.atomic():
        activity = H5PActivity.objects.select_for_update().get(pk=activity.pk)
        if activity.package_id == package.pk:
            return activity
        activity.package = package
        activity.save(update_fields=["package"])
        activity.user_data.all().delete()
    return activity
