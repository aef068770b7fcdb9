"""Import of .h5p packages and the shared library store.

``h5p_package_import`` validates everything first (nothing is stored from a rejected
package), keeps the upload in private storage and queues ``h5p_package_extract_task``
after commit; ``h5p_package_extract`` writes content and libraries and marks the package
ready (or failed with its errors).
"""

from __future__ import annotations

import io
import json
import logging
import uuid as uuid_mod

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils.translation import gettext as _

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


def h5p_package_import(*, file, title: str | None = None, uploaded_by=None) -> H5PPackage:
    """Validates an uploaded .h5p (file object or bytes) and records it as a pending package.

    Raises ``H5PValidationError`` (nothing stored) when the package breaks any rule."""
    data, source_name = _read_upload(file)
    package, _order = h5p_package_validate(data=data)
    storage = private_storage()
    pkg_uuid = uuid_mod.uuid4()
    saved_path = None
    try:
        with transaction.atomic():
            saved_path = storage.save(f"{UPLOADS_DIR}/{pkg_uuid}.h5p", ContentFile(data))
            record = H5PPackage.objects.create(
                uuid=pkg_uuid,
                title=(title or package.title).strip()[:255],
                main_library=package.main_library,
                language=package.language,
                source_name=source_name[:255],
                source_path=saved_path,
                h5p_json=package.h5p_json,
                uploaded_by=uploaded_by,
                status=H5PPackage.Status.PENDING,
            )
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
            report = {"added": [], "reused": [], "upgraded": []}
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
