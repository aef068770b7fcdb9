"""Builds real .h5p packages from the demo library source (courses/h5p/demo_library)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent / "demo_library"
DEMO_LIBRARY = "H5P.AcademieQuestion-1.0"


def demo_activities() -> list[dict]:
    return json.loads((DEMO_DIR / "activities.json").read_text(encoding="utf-8"))


def library_files(folder: str = DEMO_LIBRARY) -> dict[str, bytes]:
    root = DEMO_DIR / folder
    return {
        str(p.relative_to(root)).replace("\\", "/"): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def demo_package_bytes(spec: dict) -> bytes:
    """One .h5p archive (zip) for one activity spec from activities.json."""
    meta = json.loads((DEMO_DIR / DEMO_LIBRARY / "library.json").read_text(encoding="utf-8"))
    h5p_json = {
        "title": spec["title"],
        "language": spec["language"],
        "mainLibrary": meta["machineName"],
        "embedTypes": meta["embedTypes"],
        "license": "U",
        "defaultLanguage": spec["language"],
        "preloadedDependencies": [
            {
                "machineName": meta["machineName"],
                "majorVersion": meta["majorVersion"],
                "minorVersion": meta["minorVersion"],
            }
        ],
    }
    content = {
        "question": spec["question"],
        "answers": spec["answers"],
        "l10n": spec.get("l10n", {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("h5p.json", json.dumps(h5p_json, ensure_ascii=False, indent=2))
        zf.writestr("content/content.json", json.dumps(content, ensure_ascii=False, indent=2))
        for path, data in library_files().items():
            zf.writestr(f"{DEMO_LIBRARY}/{path}", data)
    return buffer.getvalue()


def demo_h5p_install(*, output: Path | None = None, build_only: bool = False, force: bool = False):
    """Build every demo package into ``output`` and import each as an activity (idempotent).

    Yields one line per step for the caller to print. An activity that already exists is
    kept unless ``force``. A package that fails validation raises ``H5PValidationError``.
    """
    from django.conf import settings
    from django.db import transaction

    from .models import H5PActivity
    from .services import h5p_activity_create, h5p_package_import

    out = output or Path(settings.ACADEMIE_DATA_DIR) / "h5p-demo"
    out.mkdir(parents=True, exist_ok=True)
    for spec in demo_activities():
        data = demo_package_bytes(spec)
        path = out / f"{spec['key']}.h5p"
        path.write_bytes(data)
        yield f"built {path} ({len(data)} bytes)"
        if build_only:
            continue
        if not force and H5PActivity.objects.filter(key=spec["key"]).exists():
            yield f"  activity {spec['key']} exists (use --force to re-import)"
            continue
        with transaction.atomic():
            package = h5p_package_import(file=data, title=spec["title"])
            activity = h5p_activity_create(
                key=spec["key"], title=spec["title"], package=package, language=spec["language"]
            )
        package.refresh_from_db()
        yield f"  activity {activity.key} → package {package.pk} ({package.status})"


def demo_step(*, users, stdout):
    """H5P demo activities (built from the project's own H5P library)."""
    for line in demo_h5p_install():
        stdout.write(f"  {line}")
