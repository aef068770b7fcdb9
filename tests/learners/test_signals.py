"""Learners' side of the domain signals (docs/architecture.md): graded quizzes and H5P
results sent by courses become progress; the participation question is answered."""

from decimal import Decimal

import pytest

from courses.h5p.models import H5PResult
from courses.models import QuizAttempt
from courses.participation import course_participant
from courses.signals import h5p_result_recorded, quiz_attempt_graded
from learners import services
from learners.models import Enrollment, LessonProgress
from tests.learners import factories

pytestmark = pytest.mark.django_db


def test_a_graded_lesson_quiz_records_the_lesson_score(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False, scored_lessons=(0,))
    lesson = tree.lessons[0]
    services.enrollment_create(learner=learner, course=tree.course)
    attempt = factories.lesson_quiz_attempt(user=learner, lesson=lesson, percent=80)
    quiz_attempt_graded.send(sender=QuizAttempt, attempt=attempt)
    progress = LessonProgress.objects.get(enrollment__user=learner, lesson=lesson)
    assert progress.best_score == Decimal("80.00")
    assert progress.score_source == "quiz"


def test_a_graded_final_attempt_runs_the_completion_engine(learner):
    tree = factories.course_tree(modules=((True, 1),), final=True, pass_mark=70)
    services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
    attempt = factories.final_attempt(user=learner, course=tree.course, percent=90)
    quiz_attempt_graded.send(sender=QuizAttempt, attempt=attempt)
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.final_score == Decimal("90.00")


def test_an_h5p_result_records_the_lesson_score_from_h5p(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False)
    lesson = tree.lessons[0]
    services.enrollment_create(learner=learner, course=tree.course)
    h5p_result_recorded.send(
        sender=H5PResult,
        user=learner,
        lesson=lesson,
        result=None,
        score_scaled=Decimal("0.5"),
        success=False,
        completed=True,
    )
    progress = LessonProgress.objects.get(enrollment__user=learner, lesson=lesson)
    assert progress.best_score == Decimal("50.00")
    assert progress.score_source == "h5p"


def test_a_failing_receiver_propagates_to_the_sender(learner):
    """``send`` (not ``send_robust``): a learners failure is the sender's failure, so the
    grading transaction rolls back."""
    tree = factories.course_tree(modules=((True, 1),), final=False, scored_lessons=(0,))
    attempt = factories.lesson_quiz_attempt(user=learner, lesson=tree.lessons[0], percent=80)
    attempt.percent = None  # a lesson score the receiver cannot read
    with pytest.raises(TypeError):
        quiz_attempt_graded.send(sender=QuizAttempt, attempt=attempt)


def test_participation_is_an_existing_enrolment(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False)
    assert course_participant(user=learner, course=tree.course) is False
    services.enrollment_create(learner=learner, course=tree.course)
    assert course_participant(user=learner, course=tree.course) is True
