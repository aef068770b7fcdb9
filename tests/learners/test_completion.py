from decimal import Decimal
from unittest import mock

import pytest

from academy.accounts.services import user_move_unit
from learners import services
from learners.models import Enrollment, LessonProgress, Statement
from learners.xapi import VERBS
from tests.learners import factories

pytestmark = pytest.mark.django_db


def _visit_all(user, lessons):
    for lesson in lessons:
        services.lesson_visit_record(user=user, lesson=lesson)


def test_enrollment_create_records_unit_at_enrollment(learner, tree):
    enrollment = services.enrollment_create(learner=learner, course=tree.course)
    assert enrollment.unit_at_enrollment_id == learner.unit_id
    assert enrollment.status == Enrollment.Status.ACTIVE
    again = services.enrollment_create(learner=learner, course=tree.course)
    assert again.pk == enrollment.pk
    assert Enrollment.objects.count() == 1
    assert Statement.objects.filter(verb=VERBS["registered"]).count() == 1


def test_enrollment_refuses_unpublished_course(learner):
    draft = factories.course_tree(live=False)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.enrollment_create(learner=learner, course=draft.course)
    assert not Enrollment.objects.exists()


def test_required_lessons_alone_do_not_complete_without_final(learner, tree):
    _visit_all(learner, tree.required_lessons)
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.status == Enrollment.Status.ACTIVE
    # 2 required lessons + final = 3 units, 2 done
    assert enrollment.progress_percent == 66


def test_completion_when_required_lessons_done_and_final_passed(learner, tree):
    _visit_all(learner, tree.required_lessons)
    attempt = factories.final_attempt(user=learner, course=tree.course, percent=80)
    services.assessment_attempt_recorded(attempt_id=attempt.pk)
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at is not None
    assert enrollment.final_score == Decimal("80.00")
    assert enrollment.progress_percent == 100
    assert enrollment.unit_at_completion_id == learner.unit_id
    assert Statement.objects.filter(user=learner, verb=VERBS["completed"]).count() == 1
    assert Statement.objects.filter(user=learner, verb=VERBS["passed"]).count() == 1


def test_optional_module_lessons_are_not_needed(learner, tree):
    optional = [lesson for lesson in tree.lessons if lesson not in tree.required_lessons]
    assert optional
    _visit_all(learner, tree.required_lessons)
    services.assessment_attempt_recorded(
        attempt_id=factories.final_attempt(user=learner, course=tree.course, percent=100).pk
    )
    assert Enrollment.objects.get(user=learner).status == Enrollment.Status.COMPLETED
    assert not LessonProgress.objects.filter(lesson__in=optional).exists()


def test_missing_required_lesson_blocks_completion_even_with_final_passed(learner, tree):
    _visit_all(learner, tree.required_lessons[:1])
    services.assessment_attempt_recorded(
        attempt_id=factories.final_attempt(user=learner, course=tree.course, percent=100).pk
    )
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.status == Enrollment.Status.ACTIVE
    # finishing the last lesson afterwards completes the course
    services.lesson_visit_record(user=learner, lesson=tree.required_lessons[1])
    assert Enrollment.objects.get(user=learner).status == Enrollment.Status.COMPLETED


def test_failed_attempt_is_not_a_completion(learner, tree):
    _visit_all(learner, tree.required_lessons)
    attempt = factories.final_attempt(user=learner, course=tree.course, percent=50)
    services.assessment_attempt_recorded(attempt_id=attempt.pk)
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.completed_at is None
    assert Statement.objects.filter(user=learner, verb=VERBS["failed"]).count() == 1
    assert not Statement.objects.filter(user=learner, verb=VERBS["completed"]).exists()


def test_attempt_marked_passed_below_pass_mark_is_not_a_completion(learner, tree):
    """The engine checks the percent against the course's pass mark itself."""
    _visit_all(learner, tree.required_lessons)
    attempt = factories.final_attempt(user=learner, course=tree.course, percent=60, passed=True)
    services.assessment_attempt_recorded(attempt_id=attempt.pk)
    assert Enrollment.objects.get(user=learner).status == Enrollment.Status.ACTIVE


def test_pass_mark_is_inclusive(learner, tree):
    _visit_all(learner, tree.required_lessons)
    services.assessment_attempt_recorded(
        attempt_id=factories.final_attempt(user=learner, course=tree.course, percent=70).pk
    )
    assert Enrollment.objects.get(user=learner).status == Enrollment.Status.COMPLETED


def test_unsubmitted_attempt_is_ignored(learner, tree):
    _visit_all(learner, tree.required_lessons)
    attempt = factories.final_attempt(user=learner, course=tree.course, percent=90, submitted=False)
    assert services.assessment_attempt_recorded(attempt_id=attempt.pk) is None
    assert Enrollment.objects.get(user=learner).status == Enrollment.Status.ACTIVE


def test_course_without_final_assessment_completes_on_required_lessons(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False)
    services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.final_score is None


def test_scored_lesson_needs_its_quiz(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False, scored_lessons=(0,))
    lesson = tree.lessons[0]
    services.lesson_visit_record(user=learner, lesson=lesson)
    assert LessonProgress.objects.get().status == LessonProgress.Status.IN_PROGRESS
    factories.lesson_quiz_attempt(user=learner, lesson=lesson, percent=50)
    services.lesson_progress_record_score(
        user=learner, lesson=lesson, score_scaled=0.5, success=False, completed=True, source="quiz"
    )
    progress = LessonProgress.objects.get()
    # the default rule ("every activity completed"): a submitted quiz completes it
    assert progress.status == LessonProgress.Status.COMPLETED
    assert progress.best_score == Decimal("50.00")
    services.lesson_progress_record_score(
        user=learner, lesson=lesson, score_scaled=0.25, success=False, completed=True, source="quiz"
    )
    assert LessonProgress.objects.get().best_score == Decimal("50.00")
    assert Enrollment.objects.get().status == Enrollment.Status.COMPLETED


def test_evaluate_is_idempotent_and_queues_followups_once(
    learner, django_capture_on_commit_callbacks
):
    tree = factories.course_tree(modules=((True, 1),), final=False, awards_certificate=True)
    with mock.patch("learners.services.completion._queue_completion_followups") as followups:
        services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
        enrollment = Enrollment.objects.get(user=learner)
        first_completed_at = enrollment.completed_at
        assert services.course_completion_evaluate(enrollment=enrollment) is True
        assert services.course_completion_evaluate(enrollment=enrollment) is True
    assert followups.call_count == 1
    enrollment.refresh_from_db()
    assert enrollment.completed_at == first_completed_at
    assert Statement.objects.filter(verb=VERBS["completed"]).count() == 1


def test_completion_sends_enrollment_completed_once_after_commit(
    learner, django_capture_on_commit_callbacks
):
    from learners.signals import enrollment_completed

    tree = factories.course_tree(modules=((True, 1),), final=False, awards_certificate=True)
    sent = []

    def receiver(sender, enrollment, course, **kwargs):
        sent.append((enrollment.pk, course.pk))

    enrollment_completed.connect(receiver, weak=False, dispatch_uid="test-completed")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
        assert sent == []  # nothing before the commit
        for callback in callbacks:
            callback()
        enrollment = Enrollment.objects.get(user=learner)
        assert sent == [(enrollment.pk, tree.course.pk)]
        with django_capture_on_commit_callbacks(execute=True):
            assert services.course_completion_evaluate(enrollment=enrollment) is True
        assert len(sent) == 1  # completed already: not sent again
    finally:
        enrollment_completed.disconnect(dispatch_uid="test-completed")


def test_unit_at_completion_kept_after_the_learner_moves(learner, small_tree, tree):
    _visit_all(learner, tree.required_lessons)
    services.assessment_attempt_recorded(
        attempt_id=factories.final_attempt(user=learner, course=tree.course, percent=90).pk
    )
    user_move_unit(user=learner, unit=small_tree["c3"])
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.unit_at_completion == small_tree["c1"]
    assert enrollment.unit_at_enrollment == small_tree["c1"]
    services.course_completion_evaluate(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.unit_at_completion == small_tree["c1"]


def test_unit_at_completion_is_the_unit_when_completing(learner, small_tree, tree):
    services.enrollment_create(learner=learner, course=tree.course)
    user_move_unit(user=learner, unit=small_tree["c4"])
    _visit_all(learner, tree.required_lessons)
    services.assessment_attempt_recorded(
        attempt_id=factories.final_attempt(user=learner, course=tree.course, percent=90).pk
    )
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.unit_at_enrollment == small_tree["c1"]
    assert enrollment.unit_at_completion == small_tree["c4"]
