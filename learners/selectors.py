"""Reads of the learners app: the learner dashboard and per-course progress.

Every reader here runs a fixed number of queries whatever the number of courses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page

from courses.models import Competence, CoursePage

from . import course_tree
from .models import Enrollment, LessonProgress

RECOMMENDATIONS = 4


@dataclass
class CourseCard:
    enrollment: Enrollment | None
    course_id: int
    title: str
    url: str
    summary: str = ""
    percent: int = 0
    next_title: str = ""
    next_url: str = ""
    final_due: bool = False
    certificate_url: str = ""
    certificate_serial: str = ""
    certificate_pending: bool = False
    translated: bool = True


@dataclass
class Dashboard:
    active: list[CourseCard] = field(default_factory=list)
    completed: list[CourseCard] = field(default_factory=list)
    recommended: list[CourseCard] = field(default_factory=list)


def _url(page, request) -> str:
    if page is None:
        return ""
    return page.get_url(request) or ""


def _certificates_for(enrollment_ids: list[int]) -> dict[int, object]:
    """Valid certificates by enrolment, when the certificates app provides them."""
    try:
        model = apps.get_model("certificates", "Certificate")
    except LookupError:
        return {}
    rows = model.objects.filter(enrollment_id__in=enrollment_ids, status="valid").order_by("-issued_at")
    found = {}
    for certificate in rows:
        found.setdefault(certificate.enrollment_id, certificate)
    return found


def _certificate_url(certificate) -> str:
    try:
        return reverse("certificates:download", kwargs={"uuid": certificate.uuid})
    except NoReverseMatch:
        return ""


def _next_lesson(lessons: list[dict], done: set[int]) -> dict | None:
    for lesson in lessons:
        if lesson["required"] and lesson["id"] not in done:
            return lesson
    for lesson in lessons:
        if lesson["id"] not in done:
            return lesson
    return None


def learner_dashboard(*, user, language: str, request=None) -> Dashboard:
    """My courses (progress, continue), completed ones (certificates), recommendations."""
    enrollments = list(
        Enrollment.objects.filter(user=user).select_related("course").order_by("-last_activity_at", "-id")
    )
    active = [e for e in enrollments if e.status == Enrollment.Status.ACTIVE]
    completed = sorted(
        (e for e in enrollments if e.status == Enrollment.Status.COMPLETED),
        key=lambda e: e.completed_at,
        reverse=True,
    )
    outline = course_tree.courses_outline([e.course_id for e in active])
    done_by_enrollment: dict[int, set[int]] = {}
    if active:
        rows = LessonProgress.objects.filter(
            enrollment__in=active, status=LessonProgress.Status.COMPLETED
        ).values_list("enrollment_id", "lesson_id")
        for enrollment_id, lesson_id in rows:
            done_by_enrollment.setdefault(enrollment_id, set()).add(lesson_id)

    next_lessons = {}
    for enrollment in active:
        lesson = _next_lesson(outline.get(enrollment.course_id, []), done_by_enrollment.get(enrollment.pk, set()))
        if lesson is not None:
            next_lessons[enrollment.pk] = lesson["id"]

    recommended = _recommended_courses(user=user, enrolled=[e.course_id for e in enrollments])
    page_ids = [e.course_id for e in enrollments] + list(next_lessons.values()) + [c.pk for c in recommended]
    pages, fallbacks = _pages_in_language(page_ids, language)
    certificates = _certificates_for([e.pk for e in completed])

    dashboard = Dashboard()
    for enrollment in active:
        course = pages.get(enrollment.course_id, enrollment.course)
        card = CourseCard(
            enrollment=enrollment,
            course_id=enrollment.course_id,
            title=course.title,
            url=_url(course, request),
            percent=enrollment.progress_percent,
            translated=enrollment.course_id not in fallbacks,
        )
        lesson_id = next_lessons.get(enrollment.pk)
        if lesson_id is not None and lesson_id in pages:
            card.next_title = pages[lesson_id].title
            card.next_url = _url(pages[lesson_id], request)
        else:
            card.final_due = True
            card.next_url = card.url
        dashboard.active.append(card)
    for enrollment in completed:
        course = pages.get(enrollment.course_id, enrollment.course)
        card = CourseCard(
            enrollment=enrollment,
            course_id=enrollment.course_id,
            title=course.title,
            url=_url(course, request),
            percent=100,
            translated=enrollment.course_id not in fallbacks,
        )
        certificate = certificates.get(enrollment.pk)
        if certificate is not None:
            card.certificate_url = _certificate_url(certificate)
            card.certificate_serial = certificate.serial
        elif enrollment.course.awards_certificate:
            card.certificate_pending = True
        dashboard.completed.append(card)
    for course in recommended:
        shown = pages.get(course.pk, course)
        dashboard.recommended.append(
            CourseCard(
                enrollment=None,
                course_id=course.pk,
                title=shown.title,
                url=_url(shown, request),
                summary=getattr(shown, "summary", "") or course.summary,
                translated=course.pk not in fallbacks,
            )
        )
    return dashboard


def _pages_in_language(page_ids: list[int], language: str) -> dict:
    """Pages to show, by canonical id: the translation when it exists, else the source
    (its id is then in the returned set of fallbacks). Three queries at most."""
    if not page_ids:
        return {}, set()
    if language == course_tree._source_language():
        return {p.pk: p for p in Page.objects.live().filter(pk__in=page_ids).specific()}, set()
    pages = course_tree.translations_for(page_ids, language)
    missing = [pk for pk in page_ids if pk not in pages]
    if missing:
        pages.update({p.pk: p for p in Page.objects.live().filter(pk__in=missing).specific()})
    return pages, set(missing)


def _recommended_courses(*, user, enrolled: list[int]) -> list[CoursePage]:
    """Live courses teaching the competences of the learner's courses, most shared first;
    when the learner has none yet, the newest courses."""
    source = course_tree._source_language()
    candidates = CoursePage.objects.live().filter(locale__language_code=source).exclude(pk__in=enrolled)
    if enrolled:
        competences = Competence.objects.filter(courses__in=enrolled)
        return list(
            candidates.filter(competences__in=competences)
            .annotate(shared=Count("competences"))
            .order_by("-shared", "title")[:RECOMMENDATIONS]
        )
    return list(candidates.order_by("-first_published_at", "-pk")[:RECOMMENDATIONS])


def course_progress(*, user, course) -> dict | None:
    """A learner's progress in one course, for the course page: enrolment, percent per
    module (by translation key) and for the course, lesson statuses and the next lesson id
    (None: not enrolled)."""
    course = course_tree.canonical_course(course)
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is None:
        return None
    lessons = course_tree.courses_outline([course.pk]).get(course.pk, [])
    statuses = dict(
        LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", "status")
    )
    done = {pk for pk, status in statuses.items() if status == LessonProgress.Status.COMPLETED}
    modules: dict[str, list[int]] = {}
    for lesson in lessons:
        modules.setdefault(lesson["path"][: -Page.steplen], []).append(lesson["id"])
    # Keyed by translation key: the Arabic outline shows the translated module pages.
    module_percent = {
        str(translation_key): len([i for i in modules[path] if i in done]) * 100 // len(modules[path])
        for path, translation_key in Page.objects.filter(path__in=list(modules)).values_list(
            "path", "translation_key"
        )
    }
    nxt = _next_lesson(lessons, done)
    return {
        "enrollment": enrollment,
        "percent": enrollment.progress_percent,
        "modules": module_percent,
        "lessons": statuses,
        "next_lesson_id": nxt["id"] if nxt else None,
    }
