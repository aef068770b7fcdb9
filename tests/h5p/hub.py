"""Real H5P Hub content types for tests, never committed here (MIT-licensed, third-party).

Library folders are looked for, in this order, in:

1. ``node_modules/h5p-standalone-fixtures/test/libraries`` — the npm dev dependency
   ``h5p-standalone-fixtures`` (h5p-standalone 2.1.3 as published, whose test workspace holds
   H5P.TrueFalse 1.6 and the libraries it needs): installed by ``make install`` everywhere;
2. the folder named by ``H5P_HUB_LIBRARIES`` (default ``var/h5p-hub-src``): library folders
   (``H5P.MultiChoice-1.16/library.json`` …) a developer obtained from the published
   H5P sources; absent on a fresh machine, so the tests that need them skip, saying which.

``hub_package`` writes an .h5p the way the Hub exports one: ``h5p.json``, our own
``content/content.json`` and every library the main one needs (preloaded dependencies,
recursively), files inside each library taken as they are (hidden files left out).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Development files of a library's source tree that a packed library does not carry.
NOT_PACKED = {"node_modules", "test", "tests", "package.json", "package-lock.json"}


def sources() -> list[Path]:
    return [
        ROOT / "node_modules" / "h5p-standalone-fixtures" / "test" / "libraries",
        Path(os.environ.get("H5P_HUB_LIBRARIES", ROOT / "var" / "h5p-hub-src")),
    ]


def library_folders() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for source in sources():
        if not source.is_dir():
            continue
        for folder in sorted(source.iterdir()):
            if (folder / "library.json").is_file():
                found.setdefault(folder.name, folder)
    return found


def _meta(folder: Path) -> dict:
    return json.loads((folder / "library.json").read_text(encoding="utf-8-sig"))


def _closure(folders: dict[str, Path], roots: list[str]) -> list[str]:
    order: list[str] = []

    def visit(name: str):
        if name in order:
            return
        if name not in folders:
            raise LookupError(name)
        order.append(name)
        for dep in _meta(folders[name]).get("preloadedDependencies") or []:
            visit(f"{dep['machineName']}-{dep['majorVersion']}.{dep['minorVersion']}")

    for root in roots:
        visit(root)
    return order


def require(*folder_names: str) -> dict[str, Path]:
    """The library folders, or skip the test naming what is missing and where it is looked for."""
    folders = library_folders()
    try:
        _closure(folders, list(folder_names))
    except LookupError as exc:
        pytest.skip(
            f"H5P library {exc.args[0]} is not on this machine (looked in "
            f"{', '.join(str(s) for s in sources())}); see tests/h5p/hub.py"
        )
    return folders


def hub_package(
    main: str, content: dict, *, title: str, language: str, uses: tuple[str, ...] = ()
) -> bytes:
    """An .h5p of the library folder ``main`` (e.g. "H5P.MultiChoice-1.16") with ``content``;
    ``uses`` names sub-content libraries (a Question Set's questions)."""
    folders = require(main, *uses)
    order = _closure(folders, [main, *uses])
    deps = []
    for name in order:
        meta = _meta(folders[name])
        deps.append(
            {
                "machineName": meta["machineName"],
                "majorVersion": meta["majorVersion"],
                "minorVersion": meta["minorVersion"],
            }
        )
    h5p_json = {
        "title": title,
        "language": language,
        "mainLibrary": _meta(folders[main])["machineName"],
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": deps,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("h5p.json", json.dumps(h5p_json))
        zf.writestr("content/content.json", json.dumps(content, ensure_ascii=False))
        for name in order:
            folder = folders[name]
            for path in sorted(folder.rglob("*")):
                rel = path.relative_to(folder)
                if not path.is_file() or any(p.startswith(".") for p in rel.parts):
                    continue
                if rel.parts[0] in NOT_PACKED:
                    continue
                zf.write(path, f"{name}/{rel.as_posix()}")
    return buffer.getvalue()


def _defaults(fields: list, translated: list) -> dict:
    out = {}
    for n, field in enumerate(fields):
        tr = translated[n] if n < len(translated) and isinstance(translated[n], dict) else {}
        name = field.get("name")
        if field.get("type") == "group":
            value = _defaults(field.get("fields") or [], tr.get("fields") or [])
            if value:
                out[name] = value
        elif field.get("type") in ("text", "boolean", "number", "select"):
            default = tr.get("default", field.get("default"))
            if default is not None:
                out[name] = default
    return out


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def authored(folder_name: str, language: str, content: dict) -> dict:
    """``content`` completed the way the H5P editor does when a trainer authors in
    ``language``: every interface string the library's own ``language/<code>.json`` translates
    (else its semantics default) is filled in, then ``content`` wins."""
    folder = require(folder_name)[folder_name]
    semantics = json.loads((folder / "semantics.json").read_text(encoding="utf-8-sig"))
    lang_file = folder / "language" / f"{language}.json"
    translated = []
    if lang_file.is_file():
        translated = json.loads(lang_file.read_text(encoding="utf-8-sig")).get("semantics", [])
    return _merge(_defaults(semantics, translated), content)
