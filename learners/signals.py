"""The learners app's domain signal and its receivers (contracts: docs/architecture.md).

Sent: ``enrollment_completed`` once a course is completed, after the commit.
Received: ``courses.signals.quiz_attempt_graded`` and ``h5p_result_recorded`` (progress and
completion recorded in the sender's transaction), Wagtail's publish signals on lessons and
modules (stored progress recomputed).
"""

from __future__ import annotations

from django.dispatch import Signal
from wagtail.signals import page_published, page_unpublished

#: An enrolment was completed (sent once, after the completing transaction commits).
#: ``enrollment``: the ``learners.Enrollment``; ``course``: its canonical ``CoursePage``.
enrollment_completed = Signal()


def _course_id_of(page) -> int | None:
    from courses.models import CoursePage

    course = CoursePage.objects.ancestor_of(page).only("pk").first()
    return course.pk if course is not None else None


def course_tree_changed(sender, instance, **kwargs):
    """A lesson or module was published or unpublished: every active enrolment of its
    course gets its progress recomputed (after commit, in a task)."""
    from .tasks import course_progress_refresh_task

    course_id = _course_id_of(instance)
    if course_id is not None:
        course_progress_refresh_task.delay_on_commit(course_id)


def quiz_attempt_graded_record(sender, attempt, **kwargs):
    """A final attempt runs the completion engine; a lesson quiz updates that lesson."""
    from .services import assessment_attempt_recorded, lesson_progress_record_score

    if attempt.is_final:
        assessment_attempt_recorded(attempt_id=attempt.pk)
    else:
        lesson_progress_record_score(
            user=attempt.user,
            lesson=attempt.page.specific,
            score_scaled=float(attempt.percent) / 100,
            success=attempt.passed,
            completed=True,
            source="quiz",
        )


def h5p_result_recorded_record(sender, user, lesson, score_scaled, success, completed, **kwargs):
    from .services import lesson_progress_record_score

    lesson_progress_record_score(
        user=user,
        lesson=lesson,
        score_scaled=score_scaled,
        success=success,
        completed=completed,
        source="h5p",
    )


def course_participant(*, user, course) -> bool:
    """The answer to ``courses.participation.course_participant``: enrolled already."""
    from .models import Enrollment

    return Enrollment.objects.filter(user=user, course=course).exists()


def connect() -> None:
    from courses.models import LessonPage, ModulePage
    from courses.participation import (
        attempts_since_provider_register,
        participation_provider_register,
    )
    from courses.signals import h5p_result_recorded, quiz_attempt_graded

    quiz_attempt_graded.connect(quiz_attempt_graded_record, dispatch_uid="learners-quiz-graded")
    h5p_result_recorded.connect(h5p_result_recorded_record, dispatch_uid="learners-h5p-result")
    participation_provider_register(course_participant)
    from .selectors import final_attempts_since_query

    attempts_since_provider_register(final_attempts_since_query)

    for model in (LessonPage, ModulePage):
        for name, signal in (("published", page_published), ("unpublished", page_unpublished)):
            signal.connect(
                course_tree_changed, sender=model, dispatch_uid=f"learners-{name}-{model.__name__}"
            )
