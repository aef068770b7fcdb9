"""Builders for H5P tests: packages made in code (valid, or breaking one rule) and lessons."""

from __future__ import annotations

import io
import itertools
import json
import stat
import zipfile

from wagtail.models import Locale, Page, Site

_n = itertools.count(1)


def library_json(name="H5P.TestLib", major=1, minor=0, patch=0, deps=(), js=("lib.js",), css=()):
    return {
        "title": name,
        "machineName": name,
        "majorVersion": major,
        "minorVersion": minor,
        "patchVersion": patch,
        "runnable": 1,
        "preloadedJs": [{"path": p} for p in js],
        "preloadedCss": [{"path": p} for p in css],
        "preloadedDependencies": [
            {"machineName": n, "majorVersion": a, "minorVersion": b} for n, a, b in deps
        ],
    }


def valid_files(*, language="fr", title="Paquet de test", dep_patch=0, main_patch=0) -> dict:
    """A valid package: H5P.TestLib 1.0 (runnable) needing H5P.TestDep 1.2."""
    return {
        "h5p.json": {
            "title": title,
            "language": language,
            "mainLibrary": "H5P.TestLib",
            "embedTypes": ["iframe"],
            "preloadedDependencies": [
                {"machineName": "H5P.TestLib", "majorVersion": 1, "minorVersion": 0}
            ],
        },
        "content/content.json": {"question": "Vrai ?"},
        "content/images/photo.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
        "H5P.TestLib-1.0/library.json": library_json(
            patch=main_patch, deps=[("H5P.TestDep", 1, 2)], css=("lib.css",)
        ),
        "H5P.TestLib-1.0/lib.js": "H5P.TestLib = function () {};",
        "H5P.TestLib-1.0/lib.css": ".t { color: red; }",
        "H5P.TestDep-1.2/library.json": library_json(
            "H5P.TestDep", 1, 2, patch=dep_patch, js=("dep.js",)
        ),
        "H5P.TestDep-1.2/dep.js": "H5P.TestDep = {};",
    }


def build(files: dict, *, symlinks=(), duplicates=(), compression=zipfile.ZIP_DEFLATED) -> bytes:
    """Zips ``files`` (dict/list values become JSON); ``symlinks`` maps name → target."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, value in files.items():
            if isinstance(value, (dict, list)):
                value = json.dumps(value)
            zf.writestr(name, value)
        for name, target in dict(symlinks).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
        for name, value in duplicates:
            zf.writestr(name, value)
    return buffer.getvalue()


def valid_package(**kw) -> bytes:
    return build(valid_files(**kw))


# --- Lessons ------------------------------------------------------------------------


def lesson_with(*activities, live=True, text="<p>Leçon</p>"):
    """A live lesson (catalogue → course → module → lesson) whose body plays ``activities``."""
    from courses.models import CataloguePage, CoursePage, LessonPage, ModulePage

    n = next(_n)
    locale = Locale.objects.get_or_create(language_code="fr")[0]
    catalogue = CataloguePage.objects.filter(locale=locale).first()
    if catalogue is None:
        catalogue = Page.get_first_root_node().add_child(
            instance=CataloguePage(title="Catalogue", slug=f"catalogue-h5p-{n}", locale=locale)
        )
        site = Site.objects.get(is_default_site=True)
        site.root_page = catalogue
        site.save()
    course = catalogue.add_child(
        instance=CoursePage(
            title=f"Cours H5P {n}",
            slug=f"cours-h5p-{n}",
            summary="Résumé",
            theme="digital-basics",
            locale=locale,
            awards_certificate=False,
        )
    )
    module = course.add_child(
        instance=ModulePage(title="Module", slug=f"module-h5p-{n}", locale=locale)
    )
    body = [{"type": "text", "value": text}] + [
        {"type": "h5p", "value": {"activity": a.pk, "caption": ""}} for a in activities
    ]
    lesson = module.add_child(
        instance=LessonPage(
            title=f"Leçon {n}",
            slug=f"lecon-h5p-{n}",
            body=json.dumps(body),
            locale=locale,
            live=live,
        )
    )
    return lesson
