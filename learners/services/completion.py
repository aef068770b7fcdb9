"""The completion engine: the one place that decides a course is complete."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from courses.models import CoursePage, QuizAttempt

from .. import course_tree
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


def best_passing_final_attempt(*, user_id: int, course: CoursePage) -> QuizAttempt | None:
    """The best submitted final-assessment attempt passed at or above the pass mark."""
    return (
        QuizAttempt.objects.filter(
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


def completion_state(*, enrollment: Enrollment, course: CoursePage) -> CompletionState:
    required = course_tree.course_required_lesson_ids(course=course)
    done = LessonProgress.objects.filter(
        enrollment=enrollment, lesson_id__in=required, status=LessonProgress.Status.COMPLETED
    ).count()
    has_final = course_tree.course_has_final_assessment(course)
    attempt = best_passing_final_attempt(user_id=enrollment.user_id, course=course) if has_final else None
    return CompletionState(
        required_lessons=len(required),
        completed_lessons=done,
        has_final=has_final,
        final_passed=attempt is not None,
        final_score=attempt.percent if attempt is not None else None,
    )


def _queue_completion_followups(enrollment: Enrollment, course: CoursePage) -> None:
    from ..tasks import send_completion_congratulations

    if course.awards_certificate:
        from certificates.tasks import certificate_issue_task

        certificate_issue_task.delay_on_commit(enrollment.pk)
    send_completion_congratulations.delay_on_commit(enrollment.pk)


def course_completion_evaluate(*, enrollment: Enrollment) -> bool:
    """Is the enrolment complete? Records the completion once (idempotent).

    Complete when every required lesson is complete and, if the course has a final
    assessment, an attempt passed at or above the pass mark. On completion: status,
    date, the learner's unit at that moment, final score, a "completed" statement;
    after commit the certificate (if the course awards one) and the congratulations."""
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
        unit_id = get_user_model().objects.filter(pk=enrollment.user_id).values_list("unit_id", flat=True).get()
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = now
        enrollment.unit_at_completion_id = unit_id
        enrollment.final_score = state.final_score
        enrollment.progress_percent = 100
        enrollment.last_activity_at = max(now, enrollment.last_activity_at)
        enrollment.save(
            update_fields=[
                "status", "completed_at", "unit_at_completion", "final_score", "progress_percent",
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
