"""Re-taking a completed course to renew its certificate (issue 16): the final assessment
counts again from the previous completion, with a fresh set of attempts."""

import pytest

from courses.selectors import assessment_status
from courses.services.quizzes import quiz_attempt_start
from learners import services
from learners.models import Enrollment
from tests.learners import factories

pytestmark = pytest.mark.django_db


def _complete(user, tree) -> Enrollment:
    for lesson in tree.required_lessons:
        services.lesson_visit_record(user=user, lesson=lesson)
    attempt = factories.final_attempt(user=user, course=tree.course, percent=90)
    services.assessment_attempt_recorded(attempt_id=attempt.pk)
    return Enrollment.objects.get(user=user, course=tree.course)


def test_a_retaken_course_needs_its_final_assessment_passed_again(learner, tree):
    enrollment = _complete(learner, tree)
    first_completion = enrollment.completed_at
    assert enrollment.status == Enrollment.Status.COMPLETED

    services.enrollment_retake_start(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE
    # The old passing attempt no longer completes the course.
    assert services.course_completion_evaluate(enrollment=enrollment) is False
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.progress_percent < 100

    attempt = factories.final_attempt(user=learner, course=tree.course, percent=80)
    services.assessment_attempt_recorded(attempt_id=attempt.pk)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at > first_completion
    assert enrollment.final_score == 80


def test_a_retake_starts_with_a_fresh_set_of_final_attempts(learner, tree):
    tree.course.max_attempts = 2
    tree.course.save()
    for lesson in tree.required_lessons:
        services.lesson_visit_record(user=learner, lesson=lesson)
    factories.final_attempt(user=learner, course=tree.course, percent=10)
    enrollment = _complete(learner, tree)  # second and last attempt, passed
    state = assessment_status(course=tree.course, user=learner)
    assert state.passed and state.attempts_left == 0

    services.enrollment_retake_start(enrollment=enrollment)
    state = assessment_status(course=tree.course, user=learner)
    assert not state.passed and state.attempts_used == 0 and state.attempts_left == 2
    assert quiz_attempt_start(user=learner, page=tree.course).pk


def test_retake_start_is_idempotent_and_leaves_an_active_enrollment_alone(learner, tree):
    enrollment = services.enrollment_create(learner=learner, course=tree.course)
    assert services.enrollment_retake_start(enrollment=enrollment).completed_at is None
    enrollment = _complete(learner, tree)
    started = services.enrollment_retake_start(enrollment=enrollment)
    assert started.completed_at > enrollment.completed_at  # when the re-take started
    again = services.enrollment_retake_start(enrollment=enrollment)
    assert again.status == Enrollment.Status.ACTIVE
    assert again.completed_at == started.completed_at
