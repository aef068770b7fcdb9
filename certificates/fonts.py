"""Certificate fonts: Amiri (SIL OFL) from the npm registry, turned into TrueType.

``npm install`` puts ``@fontsource/amiri`` in ``node_modules``; it ships the font as
WOFF files split by script (Latin, Latin Extended, Arabic). ``fonts_build()`` (run by
``manage.py certificate_fonts``) merges each weight's subsets into one TrueType file
under ``<ACADEMIE_DATA_DIR>/fonts`` so that one font draws a mixed line (Arabic
letters, Western digits, punctuation). ``fonts_register()`` registers them with
reportlab once per process.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

FONT_PACKAGE = "@fontsource/amiri"
# Subsets merged into each TrueType file: Latin first so that shared code points
# (space, punctuation) keep the Latin glyphs.
SUBSETS = ("latin", "latin-ext", "arabic")
# Layout tables are dropped: reportlab does not use them (Arabic is shaped by
# arabic-reshaper into presentation forms, which have their own glyphs).
DROPPED_TABLES = ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH"]


class FontsMissing(RuntimeError):
    """The TrueType fonts have not been built: run ``manage.py certificate_fonts``."""


@dataclass(frozen=True)
class FontFace:
    name: str  # the name registered with reportlab
    weight: int
    style: str = "normal"

    @property
    def filename(self) -> str:
        return f"{self.name}.ttf"

    def sources(self, package_dir: Path) -> list[Path]:
        return [
            package_dir / "files" / f"amiri-{subset}-{self.weight}-{self.style}.woff"
            for subset in SUBSETS
        ]


REGULAR = FontFace("Amiri", 400)
BOLD = FontFace("Amiri-Bold", 700)
FACES = (REGULAR, BOLD)


def fonts_package_dir() -> Path:
    return Path(settings.NODE_MODULES_DIR) / FONT_PACKAGE


def fonts_dir() -> Path:
    return Path(settings.ACADEMIE_DATA_DIR) / "fonts"


def fonts_build(*, force: bool = False) -> list[Path]:
    """Converts and merges the npm WOFF subsets into TrueType files; idempotent.

    Returns the paths written (empty when everything was up to date).
    """
    from fontTools.merge import Merger, Options
    from fontTools.ttLib import TTFont

    package_dir = fonts_package_dir()
    if not package_dir.is_dir():
        raise FontsMissing(
            f"{package_dir} is missing: run `npm install` (package {FONT_PACKAGE}) first."
        )
    target_dir = fonts_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for face in FACES:
        sources = face.sources(package_dir)
        missing = [str(p) for p in sources if not p.is_file()]
        if missing:
            raise FontsMissing(f"Font files missing from {FONT_PACKAGE}: {', '.join(missing)}")
        target = target_dir / face.filename
        newest_source = max(p.stat().st_mtime for p in sources)
        if not force and target.is_file() and target.stat().st_mtime >= newest_source:
            continue
        tmp_paths = []
        try:
            for source in sources:
                font = TTFont(source)
                font.flavor = None  # WOFF -> plain TrueType
                tmp = target_dir / f".{face.name}-{source.stem}.tmp.ttf"
                font.save(tmp)
                tmp_paths.append(tmp)
            merged = Merger(options=Options(drop_tables=DROPPED_TABLES)).merge(
                [str(p) for p in tmp_paths]
            )
            partial = target.with_suffix(".ttf.part")
            merged.save(partial)
            partial.replace(target)  # atomic: a reader never sees half a font
            written.append(target)
        finally:
            for tmp in tmp_paths:
                tmp.unlink(missing_ok=True)
    return written


_registered = False
_lock = threading.Lock()


def fonts_register() -> None:
    """Registers the certificate fonts with reportlab, once per process."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for face in FACES:
            path = fonts_dir() / face.filename
            if not path.is_file():
                raise FontsMissing(
                    f"{path} not found: run `python manage.py certificate_fonts` "
                    "(after `npm install`)."
                )
            pdfmetrics.registerFont(TTFont(face.name, str(path)))
        pdfmetrics.registerFontFamily(REGULAR.name, normal=REGULAR.name, bold=BOLD.name)
        _registered = True


def fonts_ready() -> bool:
    return all((fonts_dir() / face.filename).is_file() for face in FACES)
