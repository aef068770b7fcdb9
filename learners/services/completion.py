"""The completion engine: the one place that decides a course is complete."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses import selectors as courses_selectors
from courses.models import CoursePage, QuizAttempt

from ..models import Enrollment, LessonProgress
from ..xapi import ACTIVITY_TYPES, VERBS, activity_iri
from .enrollment import course_name, event_id
from .statements import statement_append


@dataclass(frozen=True)
class CompletionState:
    required_lessons: int
    completed_lessons: int
    has_final: bool
    final_passed: bool
    final_score: Decimal | None

    @property
    def complete(self) -> bool:
        units = self.required_lessons + (1 if self.has_final else 0)
        return (
            units > 0
            and self.completed_lessons >= self.required_lessons
            and (self.final_passed or not self.has_final)
        )

    @property
    def percent(self) -> int:
        if self.complete:
            return 100
        units = self.required_lessons + (1 if self.has_final else 0)
        if not units:
            return 0
        done = self.completed_lessons + (1 if self.final_passed else 0)
        return min(99, done * 100 // units)


def best_passing_final_attempt(
    *, user_id: int, course: CoursePage, since=None
) -> QuizAttempt | None:
    """The best submitted final-assessment attempt passed at or above the pass mark
    (submitted after ``since``, when the course is re-taken)."""
    attempts = QuizAttempt.objects.all()
    if since is not None:
        attempts = attempts.filter(submitted_at__gt=since)
    return (
        attempts.filter(
            user_id=user_id,
            page_id=course.pk,
            is_final=True,
            submitted_at__isnull=False,
            passed=True,
            percent__gte=course.pass_mark,
        )
        .order_by("-percent", "submitted_at")
        .first()
    )


def completion_state(
    *, enrollment: Enrollment, course: CoursePage, completed_ids: set[int] | None = None
) -> CompletionState:
    """``completed_ids``: the enrolment's completed lesson ids when the caller has just read
    them (the course page does), else they are counted here."""
    required = courses_selectors.course_required_lesson_ids(course=course)
    if completed_ids is not None:
        done = len(set(required) & completed_ids)
    else:
        done = LessonProgress.objects.filter(
            enrollment=enrollment, lesson_id__in=required, status=LessonProgress.Status.COMPLETED
        ).count()
    has_final = courses_selectors.course_has_final_assessment(course)
    # Re-taken to renew a certificate: only the attempts since the re-take started.
    since = enrollment.completed_at if enrollment.status == Enrollment.Status.ACTIVE else None
    attempt = (
        best_passing_final_attempt(user_id=enrollment.user_id, course=course, since=since)
        if has_final
        else None
    )
    return CompletionState(
        required_lessons=len(required),
        completed_lessons=done,
        has_final=has_final,
        final_passed=attempt is not None,
        final_score=attempt.percent if attempt is not None else None,
    )


def _queue_completion_followups(enrollment: Enrollment, course: CoursePage) -> None:
    """After the commit: the congratulations, and ``enrollment_completed`` for the apps
    that follow completions (certificates issues its certificate there)."""
    from ..signals import enrollment_completed
    from ..tasks import send_completion_congratulations

    send_completion_congratulations.delay_on_commit(enrollment.pk)
    transaction.on_commit(
        lambda: enrollment_completed.send(sender=Enrollment, enrollment=enrollment, course=course)
    )


def course_completion_evaluate(*, enrollment: Enrollment) -> bool:
    """Is the enrolment complete? Records the completion once (idempotent).

    Complete when every required lesson is complete and, if the course has a final
    assessment, an attempt passed at or above the pass mark. On completion: status,
    date, the learner's unit at that moment, final score, a "completed" statement;
    after commit the congratulations and ``learners.signals.enrollment_completed``."""
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status == Enrollment.Status.COMPLETED:
            return True
        course = CoursePage.objects.get(pk=enrollment.course_id)
        state = completion_state(enrollment=enrollment, course=course)
        if not state.complete:
            if enrollment.progress_percent != state.percent:
                enrollment.progress_percent = state.percent
                enrollment.save(update_fields=["progress_percent"])
            return False
        now = timezone.now()
        unit_id = (
            get_user_model()
            .objects.filter(pk=enrollment.user_id)
            .values_list("unit_id", flat=True)
            .get()
        )
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = now
        enrollment.unit_at_completion_id = unit_id
        enrollment.final_score = state.final_score
        enrollment.progress_percent = 100
        enrollment.last_activity_at = max(now, enrollment.last_activity_at)
        enrollment.save(
            update_fields=[
                "status",
                "completed_at",
                "unit_at_completion",
                "final_score",
                "progress_percent",
                "last_activity_at",
            ]
        )
        result = {"completion": True, "success": True}
        if state.final_score is not None:
            result["score"] = {"scaled": float(state.final_score / 100)}
        statement_append(
            user=enrollment.user,
            verb=VERBS["completed"],
            object_id=activity_iri("course", course.pk),
            name=course_name(course),
            activity_type=ACTIVITY_TYPES["course"],
            result=result,
            statement_id=event_id("enrollment", enrollment.pk, "completed"),
            timestamp=now,
        )
        _queue_completion_followups(enrollment, course)
    return True


def course_progress_refresh(*, course_id: int) -> int:
    """Re-runs the completion engine for every active enrolment of a course after its
    tree changed (a lesson or module published or unpublished): the stored progress
    follows the live lessons. Returns the number of enrolments evaluated."""
    course = courses_selectors.canonical_course(CoursePage.objects.get(pk=course_id))
    ids = list(
        Enrollment.objects.filter(course=course, status=Enrollment.Status.ACTIVE).values_list(
            "pk", flat=True
        )
    )
    for enrollment in Enrollment.objects.filter(pk__in=ids):
        course_completion_evaluate(enrollment=enrollment)
    return len(ids)
