"""Demo catalogue: the fr catalogue as the default site root with its ar translation, the
DigComp reference data and every course in ``courses/demo_content/*.json`` (schema in
the project's demo content notes), published, with permissions and the review workflow.

Idempotent: pages are found by slug and updated in place; block ids are derived from the
course/lesson slugs so that attempts keep pointing at the same questions on a re-install.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from wagtail.models import Locale, Page, Site

from courses.models import (
    CataloguePage,
    Competence,
    CompetenceArea,
    CoursePage,
    LessonPage,
    ModulePage,
)

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
ID_NAMESPACE = uuid.UUID("5b0e7a52-5d0c-4d6a-9d8e-0c1a2b3c4d5e")
LANGS = ("fr", "ar")
CATALOGUE = {
    "slug": "catalogue",
    "fr": {
        "title": "Catalogue des cours",
        "intro": "Cours de numérique pour les agents des collectivités territoriales.",
    },
    "ar": {
        "title": "فهرس التكوينات",
        "intro": "تكوينات في المجال الرقمي لفائدة موظفي الجماعات الترابية.",
    },
}


class DemoContentError(ValueError):
    pass


def _id(*parts) -> str:
    return str(uuid.uuid5(ID_NAMESPACE, "/".join(str(p) for p in parts)))


# --- Raw StreamField data from the JSON schema ---------------------------------------------


def question_raw(question: dict, lang: str, key: str) -> dict:
    """One QUESTION of the schema → a raw QuestionStreamBlock child in ``lang``."""
    kind = question["type"]
    text = question[lang]
    value = {"prompt": text["prompt"], "feedback": text.get("feedback", "")}
    if kind in ("single", "multiple"):
        correct = set(question["correct"])
        if len(text["choices"]) != len(question["fr"]["choices"]):
            raise DemoContentError(f"{key}: choices differ in number between languages")
        value["choices"] = [
            {
                "type": "item",
                "id": _id(key, "choice", i),
                "value": {"text": choice, "correct": i in correct},
            }
            for i, choice in enumerate(text["choices"])
        ]
    elif kind == "true_false":
        value["correct"] = "true" if question["correct"] else "false"
    elif kind == "numeric":
        value["correct"] = str(Decimal(str(question["correct"])))
        value["tolerance"] = str(Decimal(str(question.get("tolerance", 0))))
    elif kind == "text":
        value["accepted"] = "\n".join(question["correct"][lang])
    else:
        raise DemoContentError(f"{key}: unknown question type {kind!r}")
    return {"type": kind, "id": _id(key), "value": value}


def _h5p_activity_id(key: str, lang: str, warnings: list[str]):
    """The activity for this language (``<key>-<lang>`` when there is one, else ``<key>``)."""
    from courses.h5p.selectors import h5p_activity_for_key

    activity = h5p_activity_for_key(key=key, language=lang)
    if activity is None:
        warnings.append(
            f"H5P activity {key!r} skipped: not installed (run `manage.py h5p_build_demo`)"
        )
        return None
    return activity.pk


def lesson_body_raw(blocks: list[dict], lang: str, key: str, warnings: list[str]) -> list[dict]:
    body = []
    for index, block in enumerate(blocks):
        block_key = f"{key}/{index}"
        kind = block["type"]
        if kind == "text":
            body.append({"type": "text", "id": _id(block_key), "value": block[lang]})
        elif kind == "callout":
            body.append(
                {
                    "type": "callout",
                    "id": _id(block_key),
                    "value": {"style": block.get("style", "tip"), "text": block[lang]},
                }
            )
        elif kind == "quiz":
            body.append(
                {
                    "type": "quiz",
                    "id": _id(block_key),
                    "value": {
                        "title": (block.get(lang) or {}).get("title", "")
                        if isinstance(block.get(lang), dict)
                        else "",
                        "draw": int(block.get("draw", 0)),
                        "shuffle": bool(block.get("shuffle", False)),
                        "questions": [
                            question_raw(q, lang, f"{block_key}/q{i}")
                            for i, q in enumerate(block["questions"])
                        ],
                    },
                }
            )
        elif kind == "h5p":
            activity_id = _h5p_activity_id(block["activity"], lang, warnings)
            if activity_id is not None:
                body.append(
                    {
                        "type": "h5p",
                        "id": _id(block_key),
                        "value": {"activity": activity_id, "caption": ""},
                    }
                )
        else:
            raise DemoContentError(f"{block_key}: unknown block type {kind!r}")
    return body


# --- Pages -----------------------------------------------------------------------------------


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _child(parent: Page, model, slug: str, fields: dict) -> Page:
    """Finds ``parent``'s child by slug and updates it, or creates it; then publishes."""
    existing = Page.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        page = existing.specific
        if not isinstance(page, model):
            raise DemoContentError(
                f"{parent.url_path}{slug}/ exists but is a {type(page).__name__}"
            )
        for name, value in fields.items():
            setattr(page, name, value)
        page.save()
    else:
        page = model(slug=slug)
        for name, value in fields.items():
            setattr(page, name, value)
        parent.add_child(instance=page)
    return _publish(page)


def _translation(source: Page, locale: Locale, fields: dict, slug: str | None = None) -> Page:
    """The ``locale`` translation of ``source`` (created with Wagtail's copy for
    translation, keeping translation_key and block ids), updated and published."""
    page = Page.objects.filter(translation_key=source.translation_key, locale=locale).first()
    if page is None:
        page = source.copy_for_translation(locale, copy_parents=False)
    page = page.specific
    for name, value in fields.items():
        setattr(page, name, value)
    page.slug = slug or source.slug
    return _publish(page)


def localize_register(source: Page, target: Page, warnings: list[str]) -> bool:
    """Registers ``target`` as the wagtail-localize translation of ``source``: the strings of
    the hand-built translation become the translation memory and its own choices of
    non-translatable values (an H5P activity in its language, an image) become overrides,
    then wagtail-localize rebuilds the target from the source structure, so later source
    edits sync through the admin. Returns False (keeping the hand-built page) when the two
    structures do not match.

    The target is published here, from a fresh copy: wagtail-localize would publish it
    when the transaction commits, from an instance loaded before the translation's
    children existed, writing its stale ``numchild`` back (see ``courses.tree``)."""
    import polib
    from wagtail.models import Revision
    from wagtail_localize.models import (
        SegmentOverride,
        Translation,
        TranslationContext,
        TranslationSource,
    )
    from wagtail_localize.segments.extract import extract_segments
    from wagtail_localize.segments.types import OverridableSegmentValue, StringSegmentValue

    source_segments, target_segments = (
        extract_segments(source.specific),
        extract_segments(target.specific),
    )

    def strings(segments):
        return [s for s in segments if isinstance(s, StringSegmentValue)]

    source_strings, target_strings = strings(source_segments), strings(target_segments)
    if [s.path for s in source_strings] != [s.path for s in target_strings]:
        warnings.append(
            f"{source.url_path}: fr and ar structures differ, ar kept outside wagtail-localize"
        )
        return False
    translation_source, _ = TranslationSource.update_or_create_from_instance(source.specific)
    translation, _ = Translation.objects.get_or_create(
        source=translation_source, target_locale=target.locale, defaults={"enabled": True}
    )
    po = polib.POFile()
    seen = set()
    for fr_segment, ar_segment in zip(source_strings, target_strings, strict=True):
        key = (fr_segment.path, fr_segment.string.data)
        if key in seen:
            continue
        seen.add(key)
        po.append(
            polib.POEntry(
                msgctxt=fr_segment.path, msgid=fr_segment.string.data, msgstr=ar_segment.string.data
            )
        )
    translation.import_po(po, tool_name="demo")

    source_values = {
        s.path: s.data for s in source_segments if isinstance(s, OverridableSegmentValue)
    }
    for segment in target_segments:
        if not isinstance(segment, OverridableSegmentValue) or segment.path not in source_values:
            continue
        context, _ = TranslationContext.objects.get_or_create(
            object_id=translation_source.object_id, path=segment.path
        )
        if segment.data == source_values[segment.path]:
            SegmentOverride.objects.filter(locale=target.locale, context=context).delete()
        else:
            SegmentOverride.objects.update_or_create(
                locale=target.locale,
                context=context,
                defaults={"data_json": json.dumps(segment.data)},
            )

    translation.save_target(publish=False)
    latest = Page.objects.get(pk=target.pk).latest_revision_id
    Revision.objects.get(pk=latest).publish()
    return True


def digcomp_install(path: Path | None = None) -> int:
    data = json.loads((path or CONTENT_DIR / "digcomp.json").read_text(encoding="utf-8"))
    count = 0
    for area in data["areas"]:
        area_obj, _ = CompetenceArea.objects.update_or_create(
            code=area["code"], defaults={"name_fr": area["fr"], "name_ar": area["ar"]}
        )
        for competence in area["competences"]:
            Competence.objects.update_or_create(
                code=competence["code"],
                defaults={
                    "name_fr": competence["fr"],
                    "name_ar": competence["ar"],
                    "area": area_obj,
                },
            )
            count += 1
    return count


def catalogue_install() -> tuple[CataloguePage, CataloguePage]:
    fr = Locale.get_default()
    ar, _ = Locale.objects.get_or_create(language_code="ar")
    root = Page.get_first_root_node()
    catalogue = _child(root, CataloguePage, CATALOGUE["slug"], {"locale": fr, **CATALOGUE["fr"]})
    # Site roots are siblings under the tree root: their slugs must differ (not in URLs).
    catalogue_ar = _translation(
        catalogue, ar, dict(CATALOGUE["ar"]), slug=f"{CATALOGUE['slug']}-ar"
    )
    localize_register(catalogue, catalogue_ar, [])
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=catalogue,
            is_default_site=True,
            site_name="Académie",
        )
    elif site.root_page_id != catalogue.pk:
        site.root_page = catalogue
        site.save()
    return catalogue, catalogue_ar


def course_install(data: dict, *, catalogue: CataloguePage, warnings: list[str]) -> CoursePage:
    """One course of the schema as fr pages plus their ar translations."""
    ar = Locale.objects.get(language_code="ar")
    slug = data["slug"]
    final = data.get("final_assessment") or {"questions": []}
    if final.get("draw") and final["draw"] > len(final["questions"]):
        raise DemoContentError(f"{slug}: final_assessment draws more questions than it has")
    competences = list(Competence.objects.filter(code__in=data.get("competences", [])))
    missing = set(data.get("competences", [])) - {c.code for c in competences}
    if missing:
        raise DemoContentError(f"{slug}: unknown competences {sorted(missing)}")

    def course_fields(lang):
        text = data[lang]
        return {
            "title": text["title"],
            "summary": text["summary"],
            "objectives": "\n".join(text.get("objectives", [])),
            "audience": text.get("audience", ""),
            "final_assessment": [
                question_raw(q, lang, f"{slug}/final/q{i}")
                for i, q in enumerate(final["questions"])
            ],
        }

    shared = {
        "theme": data["theme"],
        "level": data["level"],
        "estimated_hours": Decimal(str(data["estimated_hours"])),
        "pass_mark": data.get("pass_mark", 70),
        "max_attempts": data.get("max_attempts", 3),
        "attempt_spacing_hours": data.get("attempt_spacing_hours", 0),
        "awards_certificate": data.get("awards_certificate", True),
        "certificate_validity_months": data.get("certificate_validity_months", 0),
        "final_draw": final.get("draw", 0) or 0,
        "final_shuffle": final.get("shuffle", True),
    }
    shared["competences"] = competences
    course = _child(catalogue, CoursePage, slug, {**shared, **course_fields("fr")})
    localize_register(course, _translation(course, ar, {**shared, **course_fields("ar")}), warnings)

    for module_data in data["modules"]:
        module_slug = module_data["slug"]

        def module_fields(lang, module_data=module_data):
            return {
                "title": module_data[lang]["title"],
                "intro": module_data[lang].get("intro", ""),
                "is_required": module_data.get("required", True),
            }

        module = _child(course, ModulePage, module_slug, module_fields("fr"))
        localize_register(module, _translation(module, ar, module_fields("ar")), warnings)
        for lesson_data in module_data["lessons"]:
            key = f"{slug}/{module_slug}/{lesson_data['slug']}"
            lesson_competences = list(
                Competence.objects.filter(code__in=lesson_data.get("competences", []))
            )
            lesson = _child(
                module,
                LessonPage,
                lesson_data["slug"],
                {
                    "title": lesson_data["fr"]["title"],
                    "body": lesson_body_raw(lesson_data["blocks"], "fr", key, warnings),
                    "competences": lesson_competences,
                },
            )
            lesson_ar = _translation(
                lesson,
                ar,
                {
                    "title": lesson_data["ar"]["title"],
                    "body": lesson_body_raw(lesson_data["blocks"], "ar", key, []),
                    "competences": lesson_competences,
                },
            )
            localize_register(lesson, lesson_ar, warnings)
    return course


def demo_courses_install(*, trainer=None, content_dir: Path | None = None, stdout=None) -> dict:
    """Installs the demo catalogue (see module docstring). Returns a summary dict;
    warnings (skipped H5P blocks) are also printed to ``stdout`` when given."""
    from courses.services import course_grant_trainer, courses_permissions_setup

    content_dir = Path(content_dir or CONTENT_DIR)
    files = sorted(p for p in content_dir.glob("*.json") if p.name != "digcomp.json")
    warnings: list[str] = []
    with transaction.atomic():
        competences = digcomp_install(
            content_dir / "digcomp.json" if (content_dir / "digcomp.json").exists() else None
        )
        catalogue, _ = catalogue_install()
        courses = []
        for path in files:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                courses.append(course_install(data, catalogue=catalogue, warnings=warnings))
            except (KeyError, TypeError, json.JSONDecodeError) as error:
                raise DemoContentError(f"{path.name}: invalid demo content ({error!r})") from error
        courses_permissions_setup()
        if trainer is not None:
            for course in courses:
                course_grant_trainer(course=course, user=trainer)
    for warning in warnings:
        message = f"warning: {warning}"
        if stdout is not None:
            stdout.write(message + "\n")
        else:
            print(message)
    return {
        "catalogue": catalogue,
        "courses": courses,
        "competences": competences,
        "warnings": warnings,
    }


def demo_step(*, users, stdout):
    """Demo courses in French and Arabic, published, with review workflow and permissions."""
    from django.conf import settings

    from academy.core.services import default_site_point_at

    demo_courses_install(trainer=users["trainer"], stdout=stdout)
    default_site_point_at(url=settings.SITE_URL)
