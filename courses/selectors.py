"""Reads of the course tree, the catalogue and quiz attempts.

The first five functions are cross-app contracts (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Locale, Page

from courses.models import CoursePage, LessonPage, ModulePage, QuizAttempt

LANGUAGES = ("fr", "ar")
DURATIONS = {
    # key: (min hours inclusive, max hours exclusive)
    "short": (Decimal("0"), Decimal("2")),
    "medium": (Decimal("2"), Decimal("6")),
    "long": (Decimal("6"), None),
}


# --- Contracts -------------------------------------------------------------------------


def _default_locale_id() -> int:
    return Locale.get_default().pk


def page_canonical(page: Page) -> Page:
    """The fr source (default locale) version of ``page``, as its specific class."""
    if page.locale_id == _default_locale_id():
        return page.specific if type(page) is Page else page
    source = Page.objects.filter(
        translation_key=page.translation_key, locale_id=_default_locale_id()
    ).first()
    return (source or page).specific


def course_lessons(*, course: CoursePage) -> list[LessonPage]:
    """Live lessons of live modules of the canonical course, in tree order."""
    return _lessons(course=page_canonical(course), required_only=False)


def course_required_lessons(*, course: CoursePage) -> list[LessonPage]:
    return _lessons(course=page_canonical(course), required_only=True)


def _lessons(*, course: CoursePage, required_only: bool) -> list[LessonPage]:
    modules = ModulePage.objects.child_of(course).live()
    if required_only:
        modules = modules.filter(is_required=True)
    paths = list(modules.values_list("path", flat=True))
    if not paths:
        return []
    lessons = LessonPage.objects.live().filter(depth=course.depth + 2).descendant_of(course)
    return [lesson for lesson in lessons.order_by("path") if lesson.path[: -Page.steplen] in paths]


def lesson_course(*, lesson: LessonPage) -> CoursePage:
    return CoursePage.objects.ancestor_of(lesson).get()


def lesson_accessible_to(*, user, lesson: Page) -> bool:
    """Signed in, the lesson is live and no view restriction applies to it or its ancestors."""
    if not getattr(user, "is_authenticated", False) or not lesson.live:
        return False
    return not lesson.get_view_restrictions().exists()


# --- Course pages --------------------------------------------------------------------


@dataclass
class ModuleOutline:
    module: ModulePage
    lessons: list[LessonPage] = field(default_factory=list)


def course_outline(*, course: CoursePage) -> list[ModuleOutline]:
    """Live modules with their live lessons, in the course's own language (2 queries)."""
    outline = [ModuleOutline(m) for m in ModulePage.objects.child_of(course).live().order_by("path")]
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


@dataclass
class LessonNavigation:
    course: Page
    module: Page
    previous: LessonPage | None
    next: LessonPage | None


def lesson_navigation(*, lesson: LessonPage) -> LessonNavigation:
    # Plain pages: titles and URLs are all the template needs (one query).
    ancestors = {p.depth: p for p in lesson.get_ancestors().filter(depth__gte=lesson.depth - 2)}
    course = ancestors.get(lesson.depth - 2)
    module = ancestors.get(lesson.depth - 1)
    siblings = list(
        LessonPage.objects.live()
        .descendant_of(course)
        .filter(depth=lesson.depth)
        .order_by("path")
        .only("id", "title", "path", "depth", "url_path", "locale_id")
    ) if course else []
    ids = [s.pk for s in siblings]
    index = ids.index(lesson.pk) if lesson.pk in ids else -1
    return LessonNavigation(
        course=course,
        module=module,
        previous=siblings[index - 1] if index > 0 else None,
        next=siblings[index + 1] if 0 <= index < len(siblings) - 1 else None,
    )


# --- Final assessment ----------------------------------------------------------------


@dataclass
class AssessmentState:
    question_count: int
    attempts_used: int
    attempts_left: int | None  # None: unlimited
    next_allowed_at: datetime | None
    best_percent: Decimal | None
    passed: bool
    open_attempt: QuizAttempt | None

    @property
    def can_start(self) -> bool:
        return (
            self.question_count > 0
            and (self.attempts_left is None or self.attempts_left > 0 or self.open_attempt is not None)
            and self.next_allowed_at is None
        )


def assessment_status(*, course: CoursePage, user) -> AssessmentState | None:
    """The learner's standing with the course's final assessment (None when signed out)."""
    if not getattr(user, "is_authenticated", False):
        return None
    canonical = page_canonical(course)
    attempts = QuizAttempt.objects.filter(user=user, page_id=canonical.pk, is_final=True)
    submitted = attempts.filter(submitted_at__isnull=False)
    summary = submitted.aggregate(best=Max("percent"), last=Max("submitted_at"))
    used = submitted.count()
    left = None if not canonical.max_attempts else max(0, canonical.max_attempts - used)
    next_allowed = None
    if canonical.attempt_spacing_hours and summary["last"]:
        candidate = summary["last"] + timedelta(hours=canonical.attempt_spacing_hours)
        if candidate > timezone.now():
            next_allowed = candidate
    open_attempt = attempts.filter(submitted_at__isnull=True).first()
    if open_attempt is not None:
        next_allowed = None
    count = len(canonical.final_assessment)
    return AssessmentState(
        question_count=min(count, canonical.final_draw) if canonical.final_draw else count,
        attempts_used=used,
        attempts_left=left,
        next_allowed_at=next_allowed,
        best_percent=summary["best"],
        passed=submitted.filter(passed=True).exists(),
        open_attempt=open_attempt,
    )


# --- Catalogue -----------------------------------------------------------------------


@dataclass
class CatalogueEntry:
    course: CoursePage
    fallback: bool  # shown in the other language: the learner's has no version


@dataclass
class CatalogueFilters:
    theme: str = ""
    area: str = ""
    level: str = ""
    language: str = ""
    duration: str = ""
    query: str = ""


def _clean_filters(data, *, area_codes=None) -> CatalogueFilters:
    from courses.models import CompetenceArea, Level, Theme

    if area_codes is None:
        area_codes = set(CompetenceArea.objects.values_list("code", flat=True))

    def pick(name, allowed):
        value = (data.get(name) or "").strip()
        return value if value in allowed else ""

    return CatalogueFilters(
        theme=pick("theme", Theme.values),
        area=pick("area", area_codes),
        level=pick("level", Level.values),
        language=pick("language", LANGUAGES),
        duration=pick("duration", DURATIONS),
        query=(data.get("q") or "").strip()[:200],
    )


def catalogue_courses(*, language: str, filters: CatalogueFilters | None = None) -> list[CatalogueEntry]:
    """Live, public courses, one entry per course: the version in ``language`` if it exists,
    else the other language's (``fallback=True``)."""
    filters = filters or CatalogueFilters()
    courses = CoursePage.objects.live().public().select_related("locale", "cover_image")
    if filters.theme:
        courses = courses.filter(theme=filters.theme)
    if filters.level:
        courses = courses.filter(level=filters.level)
    if filters.duration:
        low, high = DURATIONS[filters.duration]
        courses = courses.filter(estimated_hours__gte=low)
        if high is not None:
            courses = courses.filter(estimated_hours__lt=high)
    if filters.area:
        keys = CoursePage.objects.filter(competences__area__code=filters.area).values(
            "translation_key"
        )
        courses = courses.filter(translation_key__in=keys)
    if filters.query:
        keys = course_search_keys(filters.query)
        courses = courses.filter(translation_key__in=keys)

    by_key: dict = {}
    for course in courses.order_by("path"):
        by_key.setdefault(course.translation_key, {})[course.locale.language_code[:2]] = course

    wanted = filters.language or language
    other = [code for code in LANGUAGES if code != wanted]
    entries = []
    for versions in by_key.values():
        if filters.language and filters.language not in versions:
            continue
        if wanted in versions:
            course = versions[wanted]
        else:
            course = next((versions[c] for c in other if c in versions), None)
            if course is None:
                continue
        entries.append(CatalogueEntry(course=course, fallback=course.locale.language_code[:2] != language))
    entries.sort(key=lambda e: e.course.title.casefold())
    return entries


def course_search_keys(query: str) -> set:
    """Translation keys of courses whose title/summary, or one of whose lessons, match
    ``query`` in either language (Wagtail search)."""
    keys = set()
    for course in CoursePage.objects.live().search(query, operator="and"):
        keys.add(course.translation_key)
    course_paths = set()
    for lesson in LessonPage.objects.live().search(query, operator="and"):
        course_paths.add(lesson.path[: -2 * Page.steplen])
    for module in ModulePage.objects.live().search(query, operator="and"):
        course_paths.add(module.path[: -Page.steplen])
    if course_paths:
        keys.update(
            CoursePage.objects.filter(path__in=course_paths).values_list("translation_key", flat=True)
        )
    return keys


def catalogue_for_request(*, catalogue, request) -> dict:
    """Everything the catalogue template needs: entries, the filters and their options."""
    from courses.models import CompetenceArea, Level, Theme

    language = (get_language() or "fr")[:2]
    areas = list(CompetenceArea.objects.all())
    filters = _clean_filters(request.GET, area_codes={a.code for a in areas})
    return {
        "entries": catalogue_courses(language=language, filters=filters),
        "filters": filters,
        "active": any(vars(filters).values()),
        "themes": Theme.choices,
        "levels": Level.choices,
        "areas": areas,
        "languages": [("fr", "Français"), ("ar", "العربية")],
        "durations": DURATIONS,
    }


# --- Attempts ------------------------------------------------------------------------


def quiz_attempts_for(*, user, page: Page, block_id: str = "", is_final: bool = False):
    canonical = page_canonical(page)
    return QuizAttempt.objects.filter(
        user=user, page_id=canonical.pk, block_id=block_id, is_final=is_final
    )


@dataclass(frozen=True)
class AttemptTimer:
    """The clock of a timed final assessment, as the learner is shown it."""

    limit_minutes: int
    ends_at: datetime
    seconds_left: int


def attempt_timer(*, attempt: QuizAttempt, course: CoursePage, now: datetime | None = None) -> AttemptTimer | None:
    """The time left on an open final attempt of a course with a time limit; else None."""
    limit = course.final_time_limit_minutes if attempt.is_final else 0
    if not limit or attempt.is_submitted:
        return None
    ends_at = attempt.started_at + timedelta(minutes=limit)
    left = (ends_at - (now or timezone.now())).total_seconds()
    return AttemptTimer(limit_minutes=limit, ends_at=ends_at, seconds_left=max(0, int(left)))


def attempt_display(*, attempt: QuizAttempt, now: datetime | None = None) -> dict:
    """The attempt in the learner's language. Before submission only the public view of
    each question (prompt, choices) is included: never the answer key."""
    from courses.grading import question_from_block, question_public_view
    from courses.services.quizzes import _find_quiz_block

    canonical = attempt.page.specific
    page = canonical.localized
    if attempt.is_final:
        stream, title = page.final_assessment, page.title
        fallback = canonical.final_assessment
        course = page
    else:
        block = _find_quiz_block(page, attempt.block_id) or _find_quiz_block(canonical, attempt.block_id)
        stream = block.value["questions"] if block else []
        fallback_block = _find_quiz_block(canonical, attempt.block_id)
        fallback = fallback_block.value["questions"] if fallback_block else []
        title = (block.value.get("title") if block else "") or page.title
        course = lesson_course(lesson=page)
    children = {child.id: child for child in fallback}
    children.update({child.id: child for child in stream})

    items = []
    for number, entry in enumerate(attempt.questions, start=1):
        child = children.get(entry["id"])
        if child is None:
            continue
        full = question_from_block(child)
        public = question_public_view(full, entry["choices"])
        item = {"number": number, "question": public}
        if attempt.is_submitted:
            result = attempt.results.get(entry["id"], {"score": 0, "correct": False, "answered": False})
            given = attempt.answers.get(entry["id"])
            given_list = given if isinstance(given, list) else ([given] if given not in (None, "") else [])
            item.update(
                result=result,
                given=given_list,
                feedback=full["feedback"],
                # Practice quizzes show the right choices once submitted; the final does not.
                reveal=[] if attempt.is_final else _revealed_answer(full),
            )
        items.append(item)
    return {
        "attempt": attempt,
        "page": page,
        "course": course,
        "title": title,
        "items": items,
        "state": assessment_status(course=course, user=attempt.user) if attempt.is_final else None,
        "timer": attempt_timer(attempt=attempt, course=canonical, now=now) if attempt.is_final else None,
    }


def _revealed_answer(question: dict) -> list[str]:
    kind = question["type"]
    if kind in ("single", "multiple"):
        return [question["choices"][i] for i in question["correct"]]
    if kind == "numeric":
        return [question["correct"]]
    if kind == "text":
        return question["correct"][:1]
    return []
