"""Validation of an uploaded .h5p file against the H5P package specification.

Nothing here writes: ``package_validate`` reads the archive and returns a
``ValidatedPackage`` (or raises ``H5PValidationError`` with every problem found).
"""

from __future__ import annotations

import json
import re
import zipfile

from django.utils.translation import gettext as _

from ..selectors import h5p_settings
from .archive import (
    CONTENT_EXTENSIONS,
    IGNORED_PREFIXES,
    LIBRARY_EXTENSIONS,
    SVG_DANGER_RE,
    check_entries,
    extension,
    read_limited,
)
from .values import H5PValidationError, Issue, LibraryRef, PackagedLibrary, ValidatedPackage

__all__ = [
    "CONTENT_EXTENSIONS",
    "IGNORED_PREFIXES",
    "LIBRARY_EXTENSIONS",
    "H5PValidationError",
    "Issue",
    "LibraryRef",
    "PackagedLibrary",
    "ValidatedPackage",
    "package_read",
    "package_resolve",
]

MACHINE_NAME_RE = re.compile(r"^[\w.-]{1,127}$")
LIBRARY_FOLDER_RE = re.compile(
    r"^(?P<name>[\w.-]{1,127})-(?P<major>[0-9]{1,9})\.(?P<minor>[0-9]{1,9})$"
)
LANGUAGE_RE = re.compile(r"^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$")
LANGUAGE_FILE_RE = re.compile(r"^language/[a-zA-Z]+(-[a-zA-Z0-9]+){0,6}\.json$")
LANGUAGE_MAX_LENGTH = 16  # H5PPackage.language
# Versions are stored in PositiveIntegerField columns (2^31 - 1 on PostgreSQL).
MAX_VERSION = 2**31 - 1


def _ref_list(value, file, fld, issues) -> list[LibraryRef]:
    refs = []
    if value is None:
        return refs
    if not isinstance(value, list):
        issues.append(Issue(file, fld, _("must be a list of libraries")))
        return refs
    for n, dep in enumerate(value):
        where = f"{fld}[{n}]"
        if not isinstance(dep, dict):
            issues.append(Issue(file, where, _("must be an object")))
            continue
        name = dep.get("machineName")
        major, minor = dep.get("majorVersion"), dep.get("minorVersion")
        if not isinstance(name, str) or not MACHINE_NAME_RE.match(name):
            issues.append(Issue(file, f"{where}.machineName", _("missing or invalid machine name")))
            continue
        if not _is_int(major) or not _is_int(minor):
            issues.append(
                Issue(file, f"{where}", _("majorVersion and minorVersion must be whole numbers"))
            )
            continue
        refs.append(LibraryRef(name, int(major), int(minor)))
    return refs


def _is_int(value):
    """A whole number the version columns can hold: an int, or ASCII digits ("²" and "١"
    are digits to ``str.isdigit`` but not to ``int``, or not in the ASCII sense)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return isinstance(value, int) and 0 <= value <= MAX_VERSION


def _load_json(data: bytes, file: str, issues: list[Issue]):
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        issues.append(Issue(file, "", _("is not valid JSON (%(error)s)") % {"error": exc}))
        return None


def _validate_library_json(folder, ref_from_folder, meta, files, issues) -> PackagedLibrary | None:
    file = f"{folder}/library.json"
    if not isinstance(meta, dict):
        issues.append(Issue(file, "", _("must be a JSON object")))
        return None
    ok = True
    for key in ("title", "machineName"):
        if not isinstance(meta.get(key), str) or not meta.get(key).strip():
            issues.append(Issue(file, key, _("is required")))
            ok = False
    for key in ("majorVersion", "minorVersion", "patchVersion"):
        if not _is_int(meta.get(key)):
            issues.append(Issue(file, key, _("is required and must be a whole number")))
            ok = False
    if meta.get("runnable") not in (0, 1, True, False):
        issues.append(Issue(file, "runnable", _("is required and must be 0 or 1")))
        ok = False
    if not ok:
        return None
    if (meta["machineName"], int(meta["majorVersion"]), int(meta["minorVersion"])) != (
        ref_from_folder.machine_name,
        ref_from_folder.major,
        ref_from_folder.minor,
    ):
        issues.append(
            Issue(
                file,
                "machineName/majorVersion/minorVersion",
                _("%(lib)s does not match the folder name %(folder)s")
                % {
                    "lib": f"{meta['machineName']}-{meta['majorVersion']}.{meta['minorVersion']}",
                    "folder": folder,
                },
            )
        )
        return None
    core_api = meta.get("coreApi")
    if core_api is not None:
        supported = tuple(h5p_settings()["PLAYER_CORE_API"])
        wanted = (
            (core_api.get("majorVersion"), core_api.get("minorVersion"))
            if isinstance(core_api, dict)
            else (None, None)
        )
        if not all(_is_int(v) for v in wanted):
            issues.append(
                Issue(file, "coreApi", _("majorVersion and minorVersion must be whole numbers"))
            )
            ok = False
        elif tuple(int(v) for v in wanted) > supported:
            issues.append(
                Issue(
                    file,
                    "coreApi",
                    _(
                        "this library needs H5P core %(wanted)s, newer than the player of this "
                        "platform (H5P core %(supported)s): export the content with older "
                        "libraries or ask an administrator to update the player"
                    )
                    % {
                        "wanted": ".".join(str(int(v)) for v in wanted),
                        "supported": ".".join(str(v) for v in supported),
                    },
                )
            )
            ok = False
    for key in ("preloadedJs", "preloadedCss"):
        items = meta.get(key) or []
        if not isinstance(items, list):
            issues.append(Issue(file, key, _("must be a list")))
            ok = False
            continue
        for n, item in enumerate(items):
            path = item.get("path") if isinstance(item, dict) else None
            if not isinstance(path, str) or path not in files:
                issues.append(
                    Issue(
                        file,
                        f"{key}[{n}].path",
                        _("refers to a file missing from the library: %(path)s") % {"path": path},
                    )
                )
                ok = False
    before = len(issues)
    for key in ("preloadedDependencies", "dynamicDependencies", "editorDependencies"):
        _ref_list(meta.get(key), file, key, issues)
    if len(issues) != before or not ok:
        return None
    return PackagedLibrary(ref_from_folder, int(meta["patchVersion"]), meta, files)


def _validate_library_json_files(folder, files, issues) -> None:
    """Every JSON file of a library is parsed, installed already or not (H5P core reads
    semantics.json and the language files; a broken one breaks the editor and the player's
    strings). semantics.json is a list of fields; a language file is an object named
    ``language/<code>.json``."""
    for path, data in sorted(files.items()):
        if extension(path) != "json" or path == "library.json":
            continue
        file = f"{folder}/{path}"
        value = _load_json(data, file, issues)
        if path.startswith("language/"):
            if not LANGUAGE_FILE_RE.match(path):
                issues.append(
                    Issue(file, "", _("language files must be named language/<code>.json"))
                )
            elif value is not None and not isinstance(value, dict):
                issues.append(Issue(file, "", _("must be a JSON object")))
        elif path == "semantics.json" and value is not None and not isinstance(value, list):
            issues.append(Issue(file, "", _("must be a JSON list of fields")))


def package_read(fileobj) -> ValidatedPackage:
    """Checks the archive and its JSON files; dependencies are checked by ``package_resolve``."""
    conf = h5p_settings()
    issues: list[Issue] = []
    try:
        zf = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise H5PValidationError(
            [Issue("", "", _("the file is not an H5P package (an .h5p file is a zip archive)"))]
        ) from None
    with zf:
        infos = check_entries(zf, conf, issues)
        if issues:
            raise H5PValidationError(issues)
        budget = [conf["MAX_UNCOMPRESSED_BYTES"]]
        root: dict[str, bytes] = {}
        content: dict[str, bytes] = {}
        lib_files: dict[str, dict[str, bytes]] = {}
        left_out: list[dict] = []
        ignored: list[dict] = []
        for info in infos:
            name = info.filename
            parts = name.split("/")
            if any(p.startswith(".") for p in parts):
                continue  # hidden files (.DS_Store, .gitkeep): skipped as H5P core does
            top = parts[0]
            ext = extension(name)
            if len(parts) == 1 and name != "h5p.json":
                # H5P core ignores anything else at the top of the package: so do we, and
                # the trainer is told (the file is never read, stored or served).
                ignored.append({"file": name, "reason": "root"})
                continue
            in_library = len(parts) > 1 and top != "content"
            allowed = LIBRARY_EXTENSIONS if in_library else CONTENT_EXTENSIONS
            if ext not in allowed:
                if in_library:
                    # A library of the H5P Hub may carry a type refused here for safety
                    # (Flash in Course Presentation): the file is left out, never served.
                    left_out.append({"file": name, "reason": "type", "ext": ext})
                else:
                    issues.append(
                        Issue(
                            name, "", _("file type .%(ext)s is not allowed") % {"ext": ext or "?"}
                        )
                    )
                continue
            try:
                data = read_limited(zf, info, budget)
            except Exception as exc:  # noqa: BLE001 - BadZipFile, zlib.error, unsupported method…
                issues.append(Issue(name, "", _("cannot be read (%(error)s)") % {"error": exc}))
                continue
            if data is None:
                raise H5PValidationError(
                    [
                        Issue(
                            name,
                            "",
                            _("uncompressed data exceeds the limit of %(limit)d bytes")
                            % {"limit": conf["MAX_UNCOMPRESSED_BYTES"]},
                        )
                    ]
                )
            if ext == "svg" and SVG_DANGER_RE.search(data):
                if in_library:
                    left_out.append({"file": name, "reason": "svg"})
                else:
                    issues.append(
                        Issue(
                            name,
                            "",
                            _(
                                "SVG images may not contain scripts, event handlers or "
                                "external entities"
                            ),
                        )
                    )
                continue
            if len(parts) == 1:
                root[name] = data
            elif top == "content":
                content["/".join(parts[1:])] = data
            else:
                lib_files.setdefault(top, {})["/".join(parts[1:])] = data

    h5p_json = None
    if "h5p.json" not in root:
        issues.append(Issue("h5p.json", "", _("is missing: this is not an H5P package")))
    else:
        h5p_json = _load_json(root["h5p.json"], "h5p.json", issues)
        if h5p_json is not None and not isinstance(h5p_json, dict):
            issues.append(Issue("h5p.json", "", _("must be a JSON object")))
            h5p_json = None
    needed: list[LibraryRef] = []
    if h5p_json is not None:
        if not isinstance(h5p_json.get("title"), str) or not h5p_json["title"].strip():
            issues.append(Issue("h5p.json", "title", _("is required")))
        main = h5p_json.get("mainLibrary")
        if not isinstance(main, str) or not MACHINE_NAME_RE.match(main):
            issues.append(Issue("h5p.json", "mainLibrary", _("is required")))
            main = None
        lang = h5p_json.get("language")
        if (
            not isinstance(lang, str)
            or not LANGUAGE_RE.match(lang)
            or len(lang) > LANGUAGE_MAX_LENGTH
        ):
            issues.append(
                Issue("h5p.json", "language", _("is required (a language code such as fr or ar)"))
            )
        deps = h5p_json.get("preloadedDependencies")
        if not isinstance(deps, list) or not deps:
            issues.append(
                Issue("h5p.json", "preloadedDependencies", _("is required and may not be empty"))
            )
        else:
            needed = _ref_list(deps, "h5p.json", "preloadedDependencies", issues)
            if main and not any(r.machine_name == main for r in needed):
                issues.append(
                    Issue(
                        "h5p.json",
                        "mainLibrary",
                        _("%(lib)s is not among the preloadedDependencies") % {"lib": main},
                    )
                )

    if "content.json" not in content:
        issues.append(Issue("content/content.json", "", _("is missing")))
    for path, data in sorted(content.items()):
        if extension(path) == "json":
            value = _load_json(data, f"content/{path}", issues)
            if path == "content.json" and value is not None and not isinstance(value, dict):
                issues.append(Issue("content/content.json", "", _("must be a JSON object")))

    libraries: dict[LibraryRef, PackagedLibrary] = {}
    for folder, files in sorted(lib_files.items()):
        match = LIBRARY_FOLDER_RE.match(folder)
        if not match:
            issues.append(
                Issue(folder + "/", "", _("library folders must be named MachineName-major.minor"))
            )
            continue
        ref = LibraryRef(match["name"], int(match["major"]), int(match["minor"]))
        if "library.json" not in files:
            issues.append(Issue(f"{folder}/library.json", "", _("is missing")))
            continue
        meta = _load_json(files["library.json"], f"{folder}/library.json", issues)
        if meta is None:
            continue
        lib = _validate_library_json(folder, ref, meta, files, issues)
        _validate_library_json_files(folder, files, issues)
        if lib is not None:
            libraries[ref] = lib

    if issues:
        raise H5PValidationError(issues)
    return ValidatedPackage(
        h5p_json=h5p_json,
        content_files=content,
        libraries=libraries,
        needed=set(needed),
        left_out=sorted(left_out, key=lambda item: item["file"]),
        ignored=sorted(ignored, key=lambda item: item["file"]),
    )


def package_resolve(package: ValidatedPackage, store) -> list[LibraryRef]:
    """Walks the dependency graph from h5p.json; every library must be in the package or the
    store (``store`` maps LibraryRef -> H5PLibrary), and none may be blocked.

    Returns the full list of libraries needed at play time (dependencies first)."""
    issues: list[Issue] = []
    order: list[LibraryRef] = []
    missing: list[tuple[str, LibraryRef]] = []
    visiting: set[LibraryRef] = set()
    done: set[LibraryRef] = set()

    def visit(ref: LibraryRef, required_by: str):
        if ref in done or ref in visiting:
            return
        visiting.add(ref)
        stored = store.get(ref)
        if stored is not None and stored.is_blocked:
            issues.append(
                Issue(
                    required_by,
                    "",
                    _("needs %(lib)s, a library version blocked by the administrators")
                    % {"lib": f"{ref} ({stored.version})"},
                )
            )
        packaged = package.libraries.get(ref)
        if packaged is not None:
            for dep in packaged.dependencies:
                visit(dep, f"{packaged.ref.folder}/library.json")
        elif stored is not None:
            for dep_meta_key in ("preloadedDependencies", "dynamicDependencies"):
                for dep in stored.metadata.get(dep_meta_key) or []:
                    visit(
                        LibraryRef(
                            dep["machineName"], int(dep["majorVersion"]), int(dep["minorVersion"])
                        ),
                        f"{stored.folder_name}/library.json",
                    )
        else:
            missing.append((required_by, ref))
        visiting.discard(ref)
        done.add(ref)
        order.append(ref)

    for ref in sorted(package.needed, key=str):
        visit(ref, "h5p.json")

    if missing:
        if not package.libraries:
            issues.insert(
                0,
                Issue(
                    "",
                    "",
                    _(
                        "this package contains no libraries and %(libs)s are not installed here. "
                        "Export it again from your H5P editor with the libraries included "
                        '(in Lumi or WordPress/Moodle: "Download" / "Reuse" with libraries; '
                        'on h5p.com enable "include libraries"), then upload the new file.'
                    )
                    % {"libs": ", ".join(sorted({str(r) for _w, r in missing}))},
                ),
            )
        else:
            for required_by, ref in missing:
                issues.append(
                    Issue(
                        required_by,
                        "",
                        _("needs %(lib)s, which is neither in the package nor installed")
                        % {"lib": str(ref)},
                    )
                )
    if issues:
        raise H5PValidationError(issues)
    return order
