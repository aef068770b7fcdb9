"""Lesson progress: visits, bounded heartbeats, scores."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses import selectors as courses_selectors

from ..models import Enrollment, LessonProgress
from ..xapi import ACTIVITY_TYPES, VERBS, activity_iri
from .completion import course_completion_evaluate
from .enrollment import enrollment_get_or_create
from .statements import statement_append

# A new "lesson viewed" statement once the learner comes back after this long.
VIEW_SESSION_GAP = timedelta(minutes=30)


def heartbeat_max_seconds() -> int:
    """The largest time one heartbeat may add (the browser sends one every 30 s)."""
    return int(getattr(settings, "ACADEMIE_HEARTBEAT_MAX_SECONDS", 60))


def _lesson_context(*, user, lesson) -> tuple[Enrollment, object]:
    lesson = courses_selectors.canonical_lesson(lesson)
    course = courses_selectors.lesson_course(lesson=lesson)
    enrollment, _created = enrollment_get_or_create(learner=user, course=course)
    return enrollment, lesson


def _locked_progress(*, enrollment: Enrollment, lesson) -> LessonProgress:
    """The progress row, created if missing, locked until the transaction ends.

    Must run inside ``transaction.atomic``. Two requests creating the same row: the unique
    constraint lets one win; the other waits for it and then locks the winner's row."""
    qs = LessonProgress.objects.select_for_update().filter(enrollment=enrollment, lesson=lesson)
    progress = qs.first()
    if progress is None:
        try:
            with transaction.atomic():
                LessonProgress.objects.create(enrollment=enrollment, lesson=lesson)
        except IntegrityError:
            pass
        progress = qs.get()
    return progress


def _touch(enrollment: Enrollment, now: datetime) -> None:
    Enrollment.objects.filter(pk=enrollment.pk, last_activity_at__lt=now).update(
        last_activity_at=now
    )


def _mark_completed(progress: LessonProgress, now: datetime) -> bool:
    if progress.status == LessonProgress.Status.COMPLETED:
        return False
    progress.status = LessonProgress.Status.COMPLETED
    progress.completed_at = now
    return True


def _rule_met(*, user, lesson, progress: LessonProgress) -> bool:
    """The lesson's completion rule (courses.activities), the visit counting as a view."""
    from courses.activities import lesson_requirements_met

    return lesson_requirements_met(
        user=user, lesson=lesson, viewed=progress.first_visit_at is not None
    )


def lesson_visit_record(*, user, lesson, now: datetime | None = None) -> LessonProgress:
    """A learner opened a lesson: first/last visit, in progress; complete when the lesson's
    completion rule is met (a "viewed" lesson, or activities that report nothing, are
    complete once seen). Enrols the learner if needed."""
    now = now or timezone.now()
    enrollment, lesson = _lesson_context(user=user, lesson=lesson)
    with transaction.atomic():
        progress = _locked_progress(enrollment=enrollment, lesson=lesson)
        new_session = (
            progress.last_visit_at is None or now - progress.last_visit_at > VIEW_SESSION_GAP
        )
        if progress.first_visit_at is None:
            progress.first_visit_at = now
        progress.last_visit_at = max(now, progress.last_visit_at or now)
        if progress.status == LessonProgress.Status.NOT_STARTED:
            progress.status = LessonProgress.Status.IN_PROGRESS
        completed_now = (
            progress.status != LessonProgress.Status.COMPLETED
            and _rule_met(user=user, lesson=lesson, progress=progress)
            and _mark_completed(progress, now)
        )
        progress.save()
        _touch(enrollment, now)
        if new_session:
            statement_append(
                user=user,
                verb=VERBS["experienced"],
                object_id=activity_iri("lesson", lesson.pk),
                name={"fr": lesson.title},
                activity_type=ACTIVITY_TYPES["lesson"],
                parent_id=activity_iri("course", enrollment.course_id),
                timestamp=now,
            )
    if completed_now:
        course_completion_evaluate(enrollment=enrollment)
    return progress


def lesson_heartbeat_record(
    *, user, lesson, seconds: int, now: datetime | None = None
) -> LessonProgress:
    """Time spent on an open, active lesson tab.

    The increment is bounded three ways: by what the browser claims, by the wall-clock
    time since the last recorded visit or heartbeat, and by ``heartbeat_max_seconds``.
    An idle tab (no heartbeats) or a retried/duplicated heartbeat adds (almost) nothing."""
    now = now or timezone.now()
    enrollment, lesson = _lesson_context(user=user, lesson=lesson)
    with transaction.atomic():
        progress = _locked_progress(enrollment=enrollment, lesson=lesson)
        if progress.last_visit_at is None:
            progress.first_visit_at = progress.first_visit_at or now
            elapsed = 0
        else:
            elapsed = int((now - progress.last_visit_at).total_seconds())
        increment = max(0, min(int(seconds), elapsed, heartbeat_max_seconds()))
        progress.time_spent_seconds += increment
        progress.last_visit_at = max(now, progress.last_visit_at or now)
        if progress.status == LessonProgress.Status.NOT_STARTED:
            progress.status = LessonProgress.Status.IN_PROGRESS
        progress.save(
            update_fields=["time_spent_seconds", "last_visit_at", "first_visit_at", "status"]
        )
        _touch(enrollment, now)
    return progress


def _percent(score_scaled) -> Decimal | None:
    if score_scaled is None:
        return None
    value = Decimal(str(score_scaled)) * 100
    return min(Decimal(100), max(Decimal(0), value)).quantize(Decimal("0.01"))


def lesson_progress_record_score(
    *, user, lesson, score_scaled, success, completed, source: str, now: datetime | None = None
) -> LessonProgress:
    """A graded quiz or an H5P result for a lesson (contract: docs/architecture.md).

    Keeps the best score (0–100 %); a lower later score never lowers the best one. The
    lesson is complete when its completion rule is met over every activity of the lesson
    (courses.activities), not by one activity's result. Runs the completion engine."""
    now = now or timezone.now()
    enrollment, lesson = _lesson_context(user=user, lesson=lesson)
    percent = _percent(score_scaled)
    with transaction.atomic():
        progress = _locked_progress(enrollment=enrollment, lesson=lesson)
        if progress.first_visit_at is None:
            progress.first_visit_at = now
        progress.last_visit_at = max(now, progress.last_visit_at or now)
        if percent is not None and (progress.best_score is None or percent > progress.best_score):
            progress.best_score = percent
            progress.score_source = source[:16]
        if progress.status == LessonProgress.Status.NOT_STARTED:
            progress.status = LessonProgress.Status.IN_PROGRESS
        completed_now = (
            progress.status != LessonProgress.Status.COMPLETED
            and _rule_met(user=user, lesson=lesson, progress=progress)
            and _mark_completed(progress, now)
        )
        progress.save()
        _touch(enrollment, now)
        if source != "h5p":  # H5P results arrive as statements already
            result = {"completion": bool(completed)}
            if score_scaled is not None:
                result["score"] = {"scaled": float(max(-1, min(1, Decimal(str(score_scaled)))))}
            if success is not None:
                result["success"] = bool(success)
            statement_append(
                user=user,
                verb=VERBS["answered"],
                object_id=activity_iri("lesson", lesson.pk),
                name={"fr": lesson.title},
                activity_type=ACTIVITY_TYPES["lesson"],
                parent_id=activity_iri("course", enrollment.course_id),
                result=result,
                timestamp=now,
            )
    if completed_now:
        course_completion_evaluate(enrollment=enrollment)
    return progress
