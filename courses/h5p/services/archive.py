"""Archive-level checks of an .h5p file (a zip): paths, links, duplicates, zip-bomb limits,
allowed file types. Reads only; problems are appended as ``Issue`` values."""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile

from django.utils.translation import gettext as _

from .values import Issue

# The H5P core default whitelist (content files), minus Flash.
CONTENT_EXTENSIONS = frozenset(
    "json png jpg jpeg gif bmp tif tiff svg eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav "
    "txt pdf rtf doc docx xls xlsx ppt pptx odt ods odp xml csv diff patch md textile vtt "
    "webvtt gltf glb".split()
)
# Libraries may also ship code.
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | {"js", "css"}

SVG_DANGER_RE = re.compile(
    rb"<\s*script|\son[a-z]+\s*=|javascript\s*:|<\s*foreignObject|<!ENTITY|xlink:href\s*=\s*[\"']\s*data:",
    re.IGNORECASE,
)
IGNORED_PREFIXES = ("__MACOSX/",)
# Each part of a member's path becomes a file or folder name in the storage (255 bytes on
# most file systems; a library folder also gets a version suffix).
MAX_NAME_PART_BYTES = 200


def check_entries(zf: zipfile.ZipFile, conf: dict, issues: list[Issue]) -> list[zipfile.ZipInfo]:
    """Path safety, duplicates, symlinks and zip-bomb limits, from the central directory."""
    infos = zf.infolist()
    seen: dict[str, str] = {}
    files = []
    total = 0
    compressed = 0
    for info in infos:
        name = info.filename
        if name.startswith(IGNORED_PREFIXES):
            continue
        if not name or any(len(p.encode()) > MAX_NAME_PART_BYTES for p in name.split("/")):
            issues.append(
                Issue(name, "", _("names in the archive may not be empty or over 200 bytes long"))
            )
            continue
        if name.startswith("/") or "\\" in name or re.match(r"^[A-Za-z]:", name):
            issues.append(Issue(name, "", _("absolute or Windows-style paths are not allowed")))
            continue
        parts = name.rstrip("/").split("/")
        if any(p in ("..", ".") for p in parts) or posixpath.normpath(name).startswith(".."):
            issues.append(Issue(name, "", _("paths may not contain '..' or '.'")))
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            issues.append(Issue(name, "", _("symbolic links are not allowed")))
            continue
        folded = name.casefold()
        if folded in seen:
            issues.append(
                Issue(
                    name,
                    "",
                    _("duplicate name in the archive (also %(other)s)") % {"other": seen[folded]},
                )
            )
            continue
        seen[folded] = name
        if info.is_dir():
            continue
        total += info.file_size
        compressed += info.compress_size
        files.append(info)
    if len(files) > conf["MAX_FILES"]:
        issues.append(
            Issue(
                "",
                "",
                _("too many files: %(count)d (limit %(limit)d)")
                % {"count": len(files), "limit": conf["MAX_FILES"]},
            )
        )
    if total > conf["MAX_UNCOMPRESSED_BYTES"]:
        issues.append(
            Issue(
                "",
                "",
                _("uncompressed size %(size)d bytes exceeds the limit of %(limit)d bytes")
                % {"size": total, "limit": conf["MAX_UNCOMPRESSED_BYTES"]},
            )
        )
    ratio_limit = conf["MAX_COMPRESSION_RATIO"]
    if total > 1024 * 1024 and compressed and total / compressed > ratio_limit:
        issues.append(
            Issue(
                "",
                "",
                _("compression ratio %(ratio)d:1 exceeds %(limit)d:1 (possible zip bomb)")
                % {"ratio": total // compressed, "limit": ratio_limit},
            )
        )
    return files


def read_limited(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes | None:
    """Reads one member without trusting its declared size; None when the budget runs out."""
    chunks = []
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(64 * 1024)
            if not chunk:
                break
            budget[0] -= len(chunk)
            if budget[0] < 0:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def extension(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""
