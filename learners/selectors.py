"""Reads of the learners app: the learner dashboard and per-course progress.

Every reader here runs a fixed number of queries whatever the number of courses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils.translation import get_language
from wagtail.models import Page

from courses import selectors as courses_selectors
from courses.models import Competence, CoursePage

from .awards import awards_for
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
    certificate_valid_until: date | None = None  # frozen on the certificate
    certificate_valid_until_text: str = ""  # written as on the certificate
    certificate_expired: bool = False
    certificate_renew_url: str = ""  # set while the recertification window is open
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
        Enrollment.objects.filter(user=user)
        .select_related("course")
        .order_by("-last_activity_at", "-id")
    )
    active = [e for e in enrollments if e.status == Enrollment.Status.ACTIVE]
    completed = sorted(
        (e for e in enrollments if e.status == Enrollment.Status.COMPLETED),
        key=lambda e: e.completed_at,
        reverse=True,
    )
    outline = courses_selectors.courses_outline([], courses=[e.course for e in active])
    done_by_enrollment: dict[int, set[int]] = {}
    if active:
        rows = LessonProgress.objects.filter(
            enrollment__in=active, status=LessonProgress.Status.COMPLETED
        ).values_list("enrollment_id", "lesson_id")
        for enrollment_id, lesson_id in rows:
            done_by_enrollment.setdefault(enrollment_id, set()).add(lesson_id)

    next_lessons = {}
    for enrollment in active:
        lesson = _next_lesson(
            outline.get(enrollment.course_id, []), done_by_enrollment.get(enrollment.pk, set())
        )
        if lesson is not None:
            next_lessons[enrollment.pk] = lesson["id"]

    recommended = _recommended_courses(user=user, enrolled=[e.course_id for e in enrollments])
    page_ids = (
        [e.course_id for e in enrollments]
        + list(next_lessons.values())
        + [c.pk for c in recommended]
    )
    known = [e.course for e in enrollments] + list(recommended)
    pages, fallbacks = _pages_in_language(page_ids, language, known=known)
    awards = awards_for([e.pk for e in completed], language=language)

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
        award = awards.get(enrollment.pk)
        if award is not None:
            card.certificate_url = award.url
            card.certificate_serial = award.serial
            card.certificate_valid_until = award.valid_until
            card.certificate_valid_until_text = award.valid_until_text
            card.certificate_expired = award.expired
            card.certificate_renew_url = award.renew_url
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


def _pages_in_language(page_ids: list[int], language: str, known=()) -> dict:
    """Pages to show, by canonical id: the translation when it exists, else the source
    (its id is then in the returned set of fallbacks). In the source language, the
    ``known`` pages (already loaded) are used as they are and the others (lessons: a title
    and a URL are all a card shows) are read as plain pages in one query."""
    if not page_ids:
        return {}, set()
    if language == courses_selectors.source_language():
        pages = {p.pk: p for p in known if p.pk in set(page_ids) and p.live}
        rest = [pk for pk in page_ids if pk not in pages]
        if rest:
            pages.update({p.pk: p for p in Page.objects.live().filter(pk__in=rest)})
        return pages, set()
    pages = courses_selectors.translations_for(page_ids, language)
    missing = [pk for pk in page_ids if pk not in pages]
    if missing:
        pages.update({p.pk: p for p in Page.objects.live().filter(pk__in=missing).specific()})
    return pages, set(missing)


def _recommended_courses(*, user, enrolled: list[int]) -> list[CoursePage]:
    """Live courses teaching the competences of the learner's courses, most shared first;
    when the learner has none yet, the newest courses."""
    source = courses_selectors.source_language()
    candidates = (
        CoursePage.objects.live().filter(locale__language_code=source).exclude(pk__in=enrolled)
    )
    if enrolled:
        competences = Competence.objects.filter(courses__in=enrolled)
        return list(
            candidates.filter(competences__in=competences)
            .annotate(shared=Count("competences"))
            .order_by("-shared", "title")[:RECOMMENDATIONS]
        )
    return list(candidates.order_by("-first_published_at", "-pk")[:RECOMMENDATIONS])


def course_progress(*, user, course) -> dict | None:
    """A learner's progress in one course, for the course and module pages (the one
    computation both show): enrolment, percent per module (by translation key) and for
    the course (the completion engine's, over the live lessons now), lesson statuses and
    the next lesson id (None: not enrolled)."""
    from .services.completion import completion_state

    course = courses_selectors.canonical_course(course)
    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is None:
        return None
    statuses = dict(
        LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", "status")
    )
    done = {pk for pk, status in statuses.items() if status == LessonProgress.Status.COMPLETED}
    if enrollment.status == Enrollment.Status.COMPLETED:
        percent = 100
    else:
        percent = completion_state(enrollment=enrollment, course=course, completed_ids=done).percent
    lessons = courses_selectors.courses_outline([], courses=[course]).get(course.pk, [])
    # Keyed by translation key: the Arabic outline shows the translated module pages.
    module_keys = courses_selectors.module_translation_keys(course=course)
    modules: dict[str, list[int]] = {}
    for lesson in lessons:
        modules.setdefault(lesson["path"][: -Page.steplen], []).append(lesson["id"])
    module_percent = {
        str(module_keys[path]): len([i for i in ids if i in done]) * 100 // len(ids)
        for path, ids in modules.items()
        if path in module_keys
    }
    nxt = _next_lesson(lessons, done)
    certificate_url, certificate_pending = "", False
    if enrollment.status == Enrollment.Status.COMPLETED:
        award = awards_for([enrollment.pk], language=get_language()).get(enrollment.pk)
        if award is not None:
            certificate_url = award.url
        else:
            certificate_pending = course.awards_certificate
    return {
        "certificate_url": certificate_url,
        "certificate_pending": certificate_pending,
        "enrollment": enrollment,
        "percent": percent,
        "modules": module_percent,
        "lessons": statuses,
        "next_lesson_id": nxt["id"] if nxt else None,
    }


def final_attempts_since_query(*, user_id: int, course_id: int):
    """``final_attempts_since`` as a query (its only column: the moment), for a subquery."""
    return Enrollment.objects.filter(
        user_id=user_id,
        course_id=course_id,
        status=Enrollment.Status.ACTIVE,
        completed_at__isnull=False,
    ).values("completed_at")


def final_attempts_since(*, user_id: int, course_id: int):
    """From when final-assessment attempts count for a learner in a course: the moment the
    re-take started while the course is re-taken to renew a certificate, else None (every
    attempt counts)."""
    row = final_attempts_since_query(user_id=user_id, course_id=course_id).first()
    return row["completed_at"] if row else None
