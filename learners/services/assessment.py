"""Graded quiz attempts reported by the courses app."""

from __future__ import annotations

from django.utils import timezone

from courses import selectors as courses_selectors
from courses.models import CoursePage, QuizAttempt

from ..models import Enrollment
from ..xapi import ACTIVITY_TYPES, VERBS, activity_iri
from .completion import course_completion_evaluate
from .enrollment import course_name, enrollment_get_or_create, event_id
from .progress import lesson_progress_record_score
from .statements import statement_append


def assessment_attempt_recorded(*, attempt_id: int) -> Enrollment | None:
    """A quiz attempt was graded (contract: called by courses after grading).

    A final-assessment attempt is appended to the learning record (passed / failed, once
    per attempt) and the completion engine runs; a failed attempt never completes the
    course. A lesson quiz attempt updates that lesson's progress. Unsubmitted attempts
    are ignored. Returns the enrolment concerned."""
    attempt = QuizAttempt.objects.select_related("user").get(pk=attempt_id)
    if attempt.submitted_at is None:
        return None
    page = attempt.page.specific
    user = attempt.user
    percent = attempt.percent
    if not (attempt.is_final or isinstance(page, CoursePage)):
        progress = lesson_progress_record_score(
            user=user,
            lesson=page,
            score_scaled=(percent / 100) if percent is not None else None,
            success=attempt.passed,
            completed=True,
            source="quiz",
            now=attempt.submitted_at,
        )
        return progress.enrollment
    course = courses_selectors.canonical_course(page)
    enrollment, _created = enrollment_get_or_create(learner=user, course=course)
    passed = bool(attempt.passed and percent is not None and percent >= course.pass_mark)
    result = {"success": passed, "completion": True}
    if percent is not None:
        result["score"] = {"scaled": float(max(0, min(100, percent)) / 100)}
        if attempt.max_score:
            result["score"].update(
                raw=float(attempt.score or 0), min=0, max=float(attempt.max_score)
            )
    statement_append(
        user=user,
        verb=VERBS["passed" if passed else "failed"],
        object_id=activity_iri("assessment", course.pk),
        name=course_name(course),
        activity_type=ACTIVITY_TYPES["assessment"],
        parent_id=activity_iri("course", course.pk),
        result=result,
        statement_id=event_id("quiz-attempt", attempt.pk),
        timestamp=attempt.submitted_at,
    )
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk, last_activity_at__lt=now).update(
        last_activity_at=now
    )
    course_completion_evaluate(enrollment=enrollment)
    return enrollment
