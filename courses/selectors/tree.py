"""The course tree read in bulk and across languages (part of ``courses.selectors``).

Formerly ``learners/course_tree.py``: the dashboard, progress and completion read the
tree through these, several courses at once in a bounded number of queries. Lessons are
the live ``LessonPage`` descendants of a course, in tree order; a lesson is required when
its module is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from wagtail.models import Page

from academy.core import pagecache
from courses.models import CoursePage, LessonPage, ModulePage


def source_language() -> str:
    """The language courses are written in (their canonical pages' locale)."""
    return settings.LANGUAGE_CODE[:2]


def canonical_course(course) -> CoursePage:
    """The source-language ``CoursePage`` of any translation of a course."""
    from . import page_canonical

    page = page_canonical(course)
    if isinstance(page, CoursePage):
        return page
    return CoursePage.objects.get(pk=page.pk)


def canonical_lesson(lesson) -> LessonPage:
    from . import page_canonical

    page = page_canonical(lesson)
    if isinstance(page, LessonPage):
        return page
    return LessonPage.objects.get(pk=page.pk)


@dataclass
class ModuleOutline:
    module: ModulePage
    lessons: list[LessonPage] = field(default_factory=list)


@dataclass
class CourseTree:
    """A course's structure as pages show it: the course (a plain ``Page``) and its live
    modules with their live lessons, in order. Shared through ``academy.core.pagecache``
    (retired by any change of a page, whoever makes it)."""

    course: Page
    modules: list[ModuleOutline]

    def module_of(self, lesson: Page) -> ModuleOutline | None:
        parent = lesson.path[: -Page.steplen]
        return next((entry for entry in self.modules if entry.module.path == parent), None)

    @property
    def lessons(self) -> list[LessonPage]:
        return [lesson for entry in self.modules for lesson in entry.lessons]


def course_tree(*, course_path: str) -> CourseTree | None:
    """The tree of the course at ``course_path`` (any language), from the shared cache
    (built in 3 queries when the tree has changed)."""

    def build():
        course = Page.objects.filter(path=course_path).first()
        if course is None:
            return None
        return CourseTree(course=course, modules=_outline(course))

    return pagecache.cached("course-tree", build, course_path)


def _outline(course: Page) -> list[ModuleOutline]:
    outline = [
        ModuleOutline(m) for m in ModulePage.objects.child_of(course).live().order_by("path")
    ]
    by_path = {o.module.path: o for o in outline}
    lessons = (
        LessonPage.objects.live()
        .descendant_of(course)
        .filter(depth=course.depth + 2)
        .order_by("path")
        .only("id", "title", "slug", "path", "depth", "url_path", "estimated_minutes", "locale_id")
    )
    for lesson in lessons:
        entry = by_path.get(lesson.path[: -Page.steplen])
        if entry:
            entry.lessons.append(lesson)
    return outline


def course_required_lesson_ids(*, course: CoursePage) -> list[int]:
    """Live lessons of live required modules, in order (from the course's cached tree)."""
    from . import page_canonical

    tree = course_tree(course_path=page_canonical(course).path)
    if tree is None:
        return []
    return [
        lesson.pk for entry in tree.modules if entry.module.is_required for lesson in entry.lessons
    ]


def module_translation_keys(*, course: CoursePage) -> dict[str, object]:
    """``{module path: translation key}`` of the course's live modules (cached tree)."""
    tree = course_tree(course_path=course.path)
    return (
        {entry.module.path: entry.module.translation_key for entry in tree.modules} if tree else {}
    )


def course_has_final_assessment(course: CoursePage) -> bool:
    return len(course.final_assessment) > 0


def courses_outline(course_ids: list[int], *, courses: list[Page] | None = None) -> dict:
    """For several courses: their live lessons in order, each as
    ``{"id", "path", "title", "required"}``, from the courses' cached trees
    (``courses.selectors.course_tree``): one query for the paths, none when the course
    pages are given."""
    if courses is None:
        if not course_ids:
            return {}
        courses = list(Page.objects.filter(pk__in=course_ids).only("pk", "path"))
    outline: dict[int, list[dict]] = {}
    for course in courses:
        tree = course_tree(course_path=course.path)
        if tree is None:
            continue
        lessons = [
            {
                "id": lesson.pk,
                "path": lesson.path,
                "title": lesson.title,
                "required": entry.module.is_required,
            }
            for entry in tree.modules
            for lesson in entry.lessons
        ]
        if lessons:
            outline[course.pk] = lessons
    return outline


def translations_for(page_ids: list[int], language: str) -> dict[int, Page]:
    """``{canonical page id: live translation in language}`` in two queries."""
    if not page_ids:
        return {}
    keys = dict(Page.objects.filter(pk__in=page_ids).values_list("translation_key", "pk"))
    pages = (
        Page.objects.live()
        .filter(translation_key__in=list(keys), locale__language_code=language)
        .specific()
    )
    return {keys[p.translation_key]: p for p in pages}
