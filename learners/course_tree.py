"""What the learners app needs to know about the course tree.

Single-course questions go through the contract functions of ``courses.selectors``
(docs/architecture.md) when that module provides them; the bulk readers used by the
dashboard (several courses at once, a bounded number of queries) read the Wagtail tree
directly: lessons are the live ``LessonPage`` descendants of a course, in tree order,
and a lesson is required when its module is.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from wagtail.models import Page

from courses.models import CoursePage, LessonPage, ModulePage

SCORED_BLOCK_TYPES = {"quiz", "h5p"}


def _selectors():
    try:
        from courses import selectors
    except ImportError:  # the courses app provides it; keep working meanwhile
        return None
    return selectors


def _source_language() -> str:
    return settings.LANGUAGE_CODE[:2]


def page_canonical(page: Page) -> Page:
    """The fr source of a page (itself when it already is)."""
    sel = _selectors()
    if sel is not None and hasattr(sel, "page_canonical"):
        return sel.page_canonical(page)
    locale = getattr(page, "locale", None)
    if locale is not None and locale.language_code[:2] == _source_language():
        return page
    source = (
        Page.objects.filter(translation_key=page.translation_key, locale__language_code=_source_language())
        .first()
    )
    return source or page


def canonical_course(course) -> CoursePage:
    page = page_canonical(course)
    if isinstance(page, CoursePage):
        return page
    return CoursePage.objects.get(pk=page.pk)


def canonical_lesson(lesson) -> LessonPage:
    page = page_canonical(lesson)
    if isinstance(page, LessonPage):
        return page
    return LessonPage.objects.get(pk=page.pk)


def lesson_course(*, lesson: LessonPage) -> CoursePage:
    sel = _selectors()
    if sel is not None and hasattr(sel, "lesson_course"):
        return canonical_course(sel.lesson_course(lesson=lesson))
    return CoursePage.objects.ancestor_of(lesson).get()


def course_lessons(*, course: CoursePage) -> list[LessonPage]:
    """Live lessons of a course, in order."""
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def course_required_lesson_ids(*, course: CoursePage) -> list[int]:
    """Live lessons of live required modules, in order."""
    sel = _selectors()
    if sel is not None and hasattr(sel, "course_required_lessons"):
        return [lesson.pk for lesson in sel.course_required_lessons(course=course)]
    modules = ModulePage.objects.live().child_of(course).filter(is_required=True)
    paths = list(modules.values_list("path", flat=True))
    if not paths:
        return []
    lessons = LessonPage.objects.live().descendant_of(course).order_by("path").values_list("pk", "path")
    return [pk for pk, path in lessons if path[: len(paths[0])] in paths]


def course_has_final_assessment(course: CoursePage) -> bool:
    return len(course.final_assessment) > 0


def lesson_is_scored(lesson: LessonPage) -> bool:
    """A lesson with a quiz or an H5P activity completes through its score, not a visit."""
    return any(block.block_type in SCORED_BLOCK_TYPES for block in lesson.body)


def courses_outline(course_ids: list[int]) -> dict[int, list[dict]]:
    """For several courses in two queries: their live lessons in order, each as
    ``{"id", "path", "title", "required"}``."""
    if not course_ids:
        return {}
    courses = list(Page.objects.filter(pk__in=course_ids).values_list("pk", "path"))
    if not courses:
        return {}
    from django.db.models import Q

    under_any = Q()
    for _pk, path in courses:
        under_any |= Q(path__startswith=path)
    nodes = (
        Page.objects.live()
        .filter(under_any)
        .filter(content_type__model__in=["modulepage", "lessonpage"], content_type__app_label="courses")
        .order_by("path")
        .values("pk", "path", "title", "content_type__model")
    )
    node_list = list(nodes)
    module_ids = [n["pk"] for n in node_list if n["content_type__model"] == "modulepage"]
    required = set(
        ModulePage.objects.filter(pk__in=module_ids, is_required=True).values_list("pk", flat=True)
    )
    module_by_path = {
        n["path"]: n["pk"] for n in node_list if n["content_type__model"] == "modulepage"
    }
    course_by_path = {path: pk for pk, path in courses}
    steplen = Page.steplen
    outline: dict[int, list[dict]] = defaultdict(list)
    for node in node_list:
        if node["content_type__model"] != "lessonpage":
            continue
        module_path = node["path"][:-steplen]
        course_path = module_path[:-steplen]
        course_id = course_by_path.get(course_path)
        module_id = module_by_path.get(module_path)
        if course_id is None or module_id is None:
            continue  # lesson under an unpublished module
        outline[course_id].append(
            {"id": node["pk"], "path": node["path"], "title": node["title"], "required": module_id in required}
        )
    return dict(outline)


def translations_for(page_ids: list[int], language: str) -> dict[int, Page]:
    """``{canonical page id: live translation in language}`` in two queries."""
    if not page_ids:
        return {}
    keys = dict(Page.objects.filter(pk__in=page_ids).values_list("translation_key", "pk"))
    pages = Page.objects.live().filter(translation_key__in=list(keys), locale__language_code=language).specific()
    return {keys[p.translation_key]: p for p in pages}
