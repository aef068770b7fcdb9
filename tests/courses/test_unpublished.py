"""Unpublishing a course closes its modules and lessons to learners, quizzes included."""

import pytest

from courses import services
from courses.selectors import lesson_accessible_to
from tests import factories as base
from tests.learners import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(db):
    return factories.course_tree(modules=((True, 1),), scored_lessons=(0,))


@pytest.fixture
def learner(db):
    return base.UserFactory(username="learner.unpub")


def _quiz_id(lesson):
    return next(b.id for b in lesson.body if b.block_type == "quiz")


def test_lessons_of_an_unpublished_course_are_unreachable(client, tree, learner):
    lesson = tree.lessons[0]
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200
    assert lesson_accessible_to(user=learner, lesson=lesson)
    tree.course.unpublish()
    lesson.refresh_from_db()
    assert lesson.live  # only the course itself was unpublished
    assert not lesson_accessible_to(user=learner, lesson=lesson)
    assert client.get(lesson.url).status_code == 404
    assert client.get(tree.modules[0].url).status_code == 404


def test_unpublished_module_closes_its_lessons(tree, learner):
    tree.modules[0].unpublish()
    assert not lesson_accessible_to(user=learner, lesson=tree.lessons[0])


def test_quiz_submitted_after_the_course_was_unpublished_is_refused(client, tree, learner):
    lesson = tree.lessons[0]
    attempt = services.quiz_attempt_start(user=learner, page=lesson, block_id=_quiz_id(lesson))
    tree.course.unpublish()
    with pytest.raises(services.QuizError):
        services.quiz_attempt_submit(attempt=attempt, user=learner, answers={})
    attempt.refresh_from_db()
    assert attempt.submitted_at is None
    client.force_login(learner)
    response = client.post(f"/fr/courses-app/attempts/{attempt.pk}/", {})
    assert response.status_code in (302, 404)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_quiz_start_on_a_lesson_of_an_unpublished_course_is_refused(client, tree, learner):
    lesson = tree.lessons[0]
    tree.course.unpublish()
    client.force_login(learner)
    response = client.post(f"/fr/courses-app/quiz/{lesson.pk}/{_quiz_id(lesson)}/start/")
    assert response.status_code in (302, 404)
    from courses.models import QuizAttempt

    assert not QuizAttempt.objects.exists()


def test_unpublished_ancestor_hides_the_lesson_even_when_the_shared_cache_is_warm(
    client, tree, learner
):
    # The tree's shared copies (site, outline, restrictions) are warm; the course is then
    # made non-live behind the signals' back: the lesson must still be refused, because
    # the ancestors' live flags are read in the query that routes the request.
    from wagtail.models import Page

    lesson = tree.lessons[0]
    client.force_login(learner)
    assert client.get(lesson.url).status_code == 200
    Page.objects.filter(pk=tree.course.pk).update(live=False)
    assert client.get(lesson.url).status_code == 404
    Page.objects.filter(pk=tree.course.pk).update(live=True)
    Page.objects.filter(pk=tree.modules[0].pk).update(live=False)
    assert client.get(lesson.url).status_code == 404
