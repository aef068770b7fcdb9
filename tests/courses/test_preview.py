"""A trainer previewing a lesson sees that nothing is recorded, and nothing is."""

import pytest

from courses.models import CoursePage, LessonPage, QuizAttempt
from courses.services import course_grant_trainer
from learners.models import LessonProgress, Statement
from tests.factories import trainer

NOTICE = {
    "ar": "معاينة: لا تُسجَّل النتائج.",
    "fr": "Aperçu\u00a0: les résultats ne sont pas enregistrés.",
}


def _lesson_with_quiz():
    for lesson in LessonPage.objects.filter(locale__language_code="fr"):
        if any(block.block_type == "quiz" for block in lesson.body):
            return lesson
    raise AssertionError("the fixture courses have a lesson with a quiz")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_previewed_lesson_says_results_are_not_recorded_and_records_nothing(demo, client, language):
    lesson = _lesson_with_quiz()
    author = trainer(username="alice", preferred_language=language)
    course_grant_trainer(course=CoursePage.objects.ancestor_of(lesson).get(), user=author)
    client.force_login(author)

    response = client.get(f"/admin/pages/{lesson.pk}/view_draft/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert NOTICE[language] in html
    assert "data-lesson-tracker" not in html  # no visit nor time sent from a preview
    assert (
        "/quiz/" not in html
        or 'action="/' not in html.split("block-quiz", 1)[1].split("</section>", 1)[0]
    )
    assert not LessonProgress.objects.filter(enrollment__user=author).exists()
    assert not QuizAttempt.objects.filter(user=author).exists()
    assert not Statement.objects.exists()

    # The published lesson, for the same person, is the learner's page: tracker, no notice.
    live = client.get(lesson.url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert NOTICE[language] not in live and "data-lesson-tracker" in live
