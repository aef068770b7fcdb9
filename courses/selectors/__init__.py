"""Reads of the course tree, the catalogue and quiz attempts.

The first five functions are cross-app contracts (docs/architecture.md).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, Max, Q, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from wagtail.models import Page

from academy.core import pagecache
from courses.models import CoursePage, LessonPage, ModulePage, QuizAttempt

from .routing import (  # noqa: F401 (the package's import surface)
    page_ancestors_live,
    page_for_path,
    view_restrictions_for,
)

LANGUAGES = ("fr", "ar")
DURATIONS = {
    # key: (min hours inclusive, max hours exclusive)
    "short": (Decimal("0"), Decimal("2")),
    "medium": (Decimal("2"), Decimal("6")),
    "long": (Decimal("6"), None),
}


# --- Contracts -------------------------------------------------------------------------


def _default_locale_id() -> int:
    return pagecache.default_locale_id()


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
    """Signed in, the lesson and all its ancestors are live, and no view restriction applies
    to it or its ancestors."""
    if not getattr(user, "is_authenticated", False) or not lesson.live:
        return False
    if not page_ancestors_live(page=lesson):
        return False
    return not lesson.get_view_restrictions().exists()


# --- Course pages --------------------------------------------------------------------


def course_outline(*, course: CoursePage) -> list[ModuleOutline]:
    """Live modules with their live lessons, in the course's own language (cached)."""
    tree = course_tree(course_path=course.path)
    return tree.modules if tree else []


@dataclass
class LessonNavigation:
    course: Page
    module: Page
    previous: LessonPage | None
    next: LessonPage | None


def lesson_navigation(*, lesson: LessonPage) -> LessonNavigation:
    """Breadcrumb and previous/next lesson, from the course's cached tree (no query)."""
    tree = course_tree(course_path=lesson.path[: -2 * Page.steplen])
    course = tree.course if tree else None
    entry = tree.module_of(lesson) if tree else None
    module = entry.module if entry else None
    siblings = tree.lessons if tree else []
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
            and not self.passed
            and (
                self.attempts_left is None
                or self.attempts_left > 0
                or self.open_attempt is not None
            )
            and self.next_allowed_at is None
        )


def assessment_status(*, course: CoursePage, user) -> AssessmentState | None:
    """The learner's standing with the course's final assessment (None when signed out)."""
    if not getattr(user, "is_authenticated", False):
        return None
    canonical = page_canonical(course)
    from courses.participation import final_attempts_since_query

    attempts = QuizAttempt.objects.filter(user=user, page_id=canonical.pk, is_final=True)
    # Re-taken to renew a certificate: a fresh set of attempts, counted from the moment the
    # re-take started (``courses.participation``, answered by learners), in the same query.
    since = final_attempts_since_query(user_id=user.pk, course_id=canonical.pk)
    attempts = attempts.filter(
        Q(submitted_at__isnull=True) | ~Exists(since) | Q(submitted_at__gt=Subquery(since[:1]))
    )
    submitted = Q(submitted_at__isnull=False)
    # One aggregate for the standing; the open attempt is fetched only when there is one.
    summary = attempts.aggregate(
        best=Max("percent", filter=submitted),
        last=Max("submitted_at"),
        used=Count("pk", filter=submitted),
        passes=Count("pk", filter=submitted & Q(passed=True)),
        open_id=Max("pk", filter=Q(submitted_at__isnull=True)),
    )
    used = summary["used"]
    left = None if not canonical.max_attempts else max(0, canonical.max_attempts - used)
    next_allowed = None
    if canonical.attempt_spacing_hours and summary["last"]:
        candidate = summary["last"] + timedelta(hours=canonical.attempt_spacing_hours)
        if candidate > timezone.now():
            next_allowed = candidate
    open_attempt = None
    if summary["open_id"] is not None:
        open_attempt = attempts.filter(pk=summary["open_id"]).first()
    if open_attempt is not None:
        next_allowed = None
    count = len(canonical.final_assessment)
    return AssessmentState(
        question_count=min(count, canonical.final_draw) if canonical.final_draw else count,
        attempts_used=used,
        attempts_left=left,
        next_allowed_at=next_allowed,
        best_percent=summary["best"],
        passed=summary["passes"] > 0,
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


def catalogue_courses(
    *, language: str, filters: CatalogueFilters | None = None
) -> list[CatalogueEntry]:
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
        entries.append(
            CatalogueEntry(course=course, fallback=course.locale.language_code[:2] != language)
        )
    entries.sort(key=lambda e: e.course.title.casefold())
    return entries


# Arabic letters that users type interchangeably (after hamza and madda are dropped).
_ARABIC_FOLD = str.maketrans({"ى": "ي", "ة": "ه", "ٱ": "ا", "\u0640": None})


def search_fold(text: str) -> str:
    """Text as the catalogue search compares it: case, accents, Arabic short vowels,
    hamza/madda seats and tatweel ignored ("Cybersécurité" -> "cybersecurite",
    "الإسناد" -> "الاسناد")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.translate(_ARABIC_FOLD).casefold()


def course_search_keys(query: str) -> set:
    """Translation keys of courses matching ``query`` in either language: every word of
    the query is part of a word of the course's title, summary or objectives, or of the
    title or introduction of one of its modules or lessons (``cyber`` finds
    "cybersécurité", ``securite`` finds "Sécurité", ``سيبر`` finds "السيبراني"); or
    the words are in a lesson's text (Wagtail search)."""
    keys = set()
    terms = [term for term in (search_fold(word) for word in query.split()) if term]
    if terms:
        texts: dict[str, list[str]] = {}
        course_keys: dict[str, object] = {}
        for path, key, *fields in CoursePage.objects.live().values_list(
            "path", "translation_key", "title", "summary", "objectives"
        ):
            course_keys[path] = key
            texts.setdefault(path, []).extend(fields)
        for path, *fields in ModulePage.objects.live().values_list("path", "title", "intro"):
            texts.setdefault(path[: -Page.steplen], []).extend(fields)
        for path, title in LessonPage.objects.live().values_list("path", "title"):
            texts.setdefault(path[: -2 * Page.steplen], []).append(title)
        for path, key in course_keys.items():
            haystack = search_fold(" ".join(filter(None, texts.get(path, []))))
            if all(term in haystack for term in terms):
                keys.add(key)
    for course in CoursePage.objects.live().search(query, operator="and"):
        keys.add(course.translation_key)
    course_paths = set()
    for lesson in LessonPage.objects.live().search(query, operator="and"):
        course_paths.add(lesson.path[: -2 * Page.steplen])
    for module in ModulePage.objects.live().search(query, operator="and"):
        course_paths.add(module.path[: -Page.steplen])
    if course_paths:
        keys.update(
            CoursePage.objects.filter(path__in=course_paths).values_list(
                "translation_key", flat=True
            )
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
        # The filter panel starts open only when a filter (not just the search) is applied.
        "filtered": any(value for name, value in vars(filters).items() if name != "query"),
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


def attempt_timer(
    *, attempt: QuizAttempt, course: CoursePage, now: datetime | None = None
) -> AttemptTimer | None:
    """The time left on an open final attempt of a course with a time limit; else None."""
    limit = course.final_time_limit_minutes if attempt.is_final else 0
    if not limit or attempt.is_submitted:
        return None
    ends_at = attempt.started_at + timedelta(minutes=limit)
    left = (ends_at - (now or timezone.now())).total_seconds()
    return AttemptTimer(limit_minutes=limit, ends_at=ends_at, seconds_left=max(0, int(left)))


@dataclass(frozen=True)
class AttemptReview:
    """What a submitted attempt may show: per-question results, and the explanations and
    expected answers. A final assessment never shows the latter before the learner has
    passed (they would give the answers to the next attempt, drawn from the same bank),
    and only if the trainer allows it then; practice quizzes show everything."""

    questions: bool
    explanations: bool


def attempt_review(
    *, attempt: QuizAttempt, course: CoursePage, learner_passed: bool
) -> AttemptReview:
    from courses.models import FinalReview

    if not attempt.is_final:
        return AttemptReview(questions=True, explanations=True)
    explanations = bool(learner_passed and course.final_review_after_pass)
    return AttemptReview(
        questions=explanations or course.final_review == FinalReview.QUESTIONS,
        explanations=explanations,
    )


def _as_list(value) -> list:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value not in (None, "") else []


def attempt_display(*, attempt: QuizAttempt, now: datetime | None = None) -> dict:
    """The attempt in the learner's language. Before submission only the public view of
    each question (prompt, choices) and the learner's own draft answers are included;
    after it, explanations and expected answers only as ``attempt_review`` allows: the
    answer key never reaches the page otherwise."""
    from courses.grading import question_from_block, question_public_view
    from courses.services.quizzes import _find_quiz_block

    canonical = attempt.page.specific
    page = canonical.localized
    if attempt.is_final:
        stream, title = page.final_assessment, page.title
        fallback = canonical.final_assessment
        course = page
    else:
        block = _find_quiz_block(page, attempt.block_id) or _find_quiz_block(
            canonical, attempt.block_id
        )
        stream = block.value["questions"] if block else []
        fallback_block = _find_quiz_block(canonical, attempt.block_id)
        fallback = fallback_block.value["questions"] if fallback_block else []
        title = (block.value.get("title") if block else "") or page.title
        course = lesson_course(lesson=page)
    children = {child.id: child for child in fallback}
    children.update({child.id: child for child in stream})
    state = assessment_status(course=course, user=attempt.user) if attempt.is_final else None
    review = None
    if attempt.is_submitted:
        review = attempt_review(
            attempt=attempt,
            course=page_canonical(course),
            learner_passed=bool(state and state.passed),
        )

    items = []
    for number, entry in enumerate(attempt.questions, start=1):
        child = children.get(entry["id"])
        if child is None:
            continue
        full = question_from_block(child)
        public = question_public_view(full, entry["choices"])
        item = {"number": number, "question": public}
        if not attempt.is_submitted:
            item["draft"] = _as_list(attempt.answers.get(entry["id"]))
        elif review.questions:
            item.update(
                result=attempt.results.get(
                    entry["id"], {"score": 0, "correct": False, "answered": False}
                ),
                given=_as_list(attempt.answers.get(entry["id"])),
                feedback=full["feedback"] if review.explanations else "",
                reveal=_revealed_answer(full) if review.explanations else [],
            )
        else:
            continue
        items.append(item)
    return {
        "attempt": attempt,
        "page": page,
        "course": course,
        "title": title,
        "items": items,
        "review": review,
        "state": state,
        "timer": attempt_timer(attempt=attempt, course=canonical, now=now)
        if attempt.is_final
        else None,
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


# The course tree in bulk and across languages (one course-tree API; see tree.py).
from .tree import (  # noqa: E402, F401
    CourseTree,
    ModuleOutline,
    canonical_course,
    canonical_lesson,
    course_has_final_assessment,
    course_required_lesson_ids,
    course_tree,
    courses_outline,
    module_translation_keys,
    source_language,
    translations_for,
)
