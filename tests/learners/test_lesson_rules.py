"""Lesson completion rules chosen by the trainer, every activity of a lesson counted, H5P types
that report nothing, one progress computation for the course and module pages."""

import json

import pytest
from django.urls import reverse

from courses.models import CoursePage, LessonPage
from learners import services
from learners.models import Enrollment, LessonProgress
from tests.learners import factories

pytestmark = pytest.mark.django_db


def _quiz(block_id):
    return {
        "type": "quiz",
        "id": block_id,
        "value": {
            "title": f"Quiz {block_id}",
            "draw": 0,
            "shuffle": False,
            "questions": [
                {
                    "type": "true_false",
                    "id": f"{block_id}-q",
                    "value": {"prompt": "Vrai ?", "feedback": "", "correct": "true"},
                }
            ],
        },
    }


def _h5p_activity(library: str, key: str):
    from courses.h5p.models import H5PActivity, H5PPackage

    package = H5PPackage.objects.create(title=key, main_library=library, status="ready")
    return H5PActivity.objects.create(title=key, key=key, package=package, language="fr")


def _h5p(block_id, activity):
    return {"type": "h5p", "id": block_id, "value": {"activity": activity.pk, "caption": ""}}


def _set_body(lesson, blocks, **fields) -> LessonPage:
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = json.dumps([{"type": "text", "id": "t", "value": "<p>Texte</p>"}, *blocks])
    for name, value in fields.items():
        setattr(lesson, name, value)
    lesson.save()
    return lesson


def _status(learner, lesson):
    return LessonProgress.objects.get(enrollment__user=learner, lesson=lesson).status


def _quiz_done(learner, lesson, block_id, percent):
    factories.lesson_quiz_attempt(user=learner, lesson=lesson, block_id=block_id, percent=percent)
    services.lesson_progress_record_score(
        user=learner,
        lesson=lesson,
        score_scaled=percent / 100,
        success=percent >= 70,
        completed=True,
        source="quiz",
    )


def _h5p_done(learner, lesson, activity, scaled, completion=True):
    from courses.h5p.models import H5PResult

    H5PResult.objects.create(
        user=learner,
        activity=activity,
        lesson=lesson,
        verb="answered",
        score_scaled=scaled,
        success=None,
        completion=completion,
    )
    services.lesson_progress_record_score(
        user=learner,
        lesson=lesson,
        score_scaled=scaled,
        success=None,
        completed=completion,
        source="h5p",
    )


def test_a_lesson_with_two_activities_completes_after_both(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False)
    activity = _h5p_activity("H5P.MultiChoice", "mc")
    lesson = _set_body(tree.lessons[0], [_quiz("quiz-a"), _h5p("h5p-b", activity)])
    services.lesson_visit_record(user=learner, lesson=lesson)
    _quiz_done(learner, lesson, "quiz-a", 100)
    assert _status(learner, lesson) == LessonProgress.Status.IN_PROGRESS
    _h5p_done(learner, lesson, activity, 0.2)
    assert _status(learner, lesson) == LessonProgress.Status.COMPLETED


def test_passed_rule_needs_every_scored_activity_at_the_pass_mark(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False, awards_certificate=True)
    activity = _h5p_activity("H5P.MultiChoice", "mc2")
    lesson = _set_body(
        tree.lessons[0],
        [_quiz("quiz-a"), _h5p("h5p-b", activity)],
        completion_rule="passed",
        completion_pass_mark=80,
    )
    services.lesson_visit_record(user=learner, lesson=lesson)
    _quiz_done(learner, lesson, "quiz-a", 10)  # almost everything wrong
    _h5p_done(learner, lesson, activity, 0.1)
    assert _status(learner, lesson) == LessonProgress.Status.IN_PROGRESS
    assert Enrollment.objects.get(user=learner).status == Enrollment.Status.ACTIVE
    _quiz_done(learner, lesson, "quiz-a", 100)
    assert _status(learner, lesson) == LessonProgress.Status.IN_PROGRESS
    _h5p_done(learner, lesson, activity, 0.8)
    assert _status(learner, lesson) == LessonProgress.Status.COMPLETED
    assert Enrollment.objects.get(user=learner).status == Enrollment.Status.COMPLETED


def test_viewed_rule_completes_on_the_visit(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False)
    lesson = _set_body(tree.lessons[0], [_quiz("quiz-a")], completion_rule="viewed")
    services.lesson_visit_record(user=learner, lesson=lesson)
    assert _status(learner, lesson) == LessonProgress.Status.COMPLETED


def test_an_h5p_type_that_reports_nothing_completes_once_viewed(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False)
    cards = _h5p_activity("H5P.Dialogcards", "cards")
    lesson = _set_body(tree.lessons[0], [_h5p("h5p-cards", cards)], completion_rule="passed")
    services.lesson_visit_record(user=learner, lesson=lesson)
    assert _status(learner, lesson) == LessonProgress.Status.COMPLETED
    assert Enrollment.objects.get(user=learner).progress_percent == 100


def test_an_arabic_lesson_playing_its_own_activity_counts_for_the_same_block(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False)
    fr_activity = _h5p_activity("H5P.MultiChoice", "mc-fr")
    ar_activity = _h5p_activity("H5P.MultiChoice", "mc-ar")
    lesson = _set_body(tree.lessons[0], [_h5p("h5p-b", fr_activity)])
    copies = factories.translate_tree(tree)
    _set_body(copies[lesson.pk], [_h5p("h5p-b", ar_activity)])
    services.lesson_visit_record(user=learner, lesson=copies[lesson.pk])
    assert _status(learner, lesson) == LessonProgress.Status.IN_PROGRESS
    _h5p_done(learner, lesson, ar_activity, 1)
    assert _status(learner, lesson) == LessonProgress.Status.COMPLETED


def test_course_and_module_pages_show_the_same_progress(client, learner):
    tree = factories.course_tree(modules=((True, 2), (True, 2)), final=False)
    services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
    client.force_login(learner)
    course_html = client.get(tree.course.url).content.decode()
    module_html = client.get(tree.modules[0].url).content.decode()
    assert "50\u00a0% terminé" in module_html or "50 % terminé" in module_html
    assert "25" in course_html and 'aria-valuenow="25"' in course_html
    assert 'aria-valuenow="50"' in module_html


def test_unpublishing_a_lesson_recomputes_the_stored_progress(
    learner, django_capture_on_commit_callbacks
):
    tree = factories.course_tree(modules=((True, 3),), final=True)
    services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
    services.lesson_visit_record(user=learner, lesson=tree.lessons[1])
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.progress_percent == 50  # 2 of 3 lessons + the final
    with django_capture_on_commit_callbacks(execute=True):
        LessonPage.objects.get(pk=tree.lessons[2].pk).unpublish()
    enrollment.refresh_from_db()
    assert enrollment.progress_percent == 66  # 2 of 2 lessons + the final


# --- Certificate courses need an assessed criterion ------------------------------------------


def _course_form_data(course: CoursePage, **changes):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "objectives": "",
        "audience": "",
        "theme": course.theme,
        "level": course.level,
        "estimated_hours": "1.0",
        "pass_mark": 70,
        "max_attempts": 3,
        "attempt_spacing_hours": 0,
        "final_time_limit_minutes": 0,
        "final_draw": 0,
        "final_review": "questions",
        "certificate_validity_months": 0,
        "recertification_window_days": 60,
        "final_assessment": streamfield([]),
        "comments": inline_formset([]),
        "action-publish": "action-publish",
    }
    if course.awards_certificate:
        data["awards_certificate"] = "on"
    data.update(changes)
    return nested_form_data(data)


def test_publishing_a_certificate_course_with_nothing_assessed_needs_confirmation(client, learner):
    from tests.factories import UserFactory

    tree = factories.course_tree(modules=((True, 1),), final=False, awards_certificate=True)
    admin = UserFactory(username="admin.rules", is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = reverse("wagtailadmin_pages:edit", args=[tree.course.pk])
    revisions = tree.course.revisions.count()
    response = client.post(url, _course_form_data(tree.course))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["certificate_without_assessment"], (
        response.context["form"].errors
    )
    assert (
        "assesses nothing" in response.content.decode()
        or "évalue rien" in response.content.decode()
    )
    assert tree.course.revisions.count() == revisions
    # saving a draft is allowed, with the same warning
    draft = _course_form_data(tree.course)
    del draft["action-publish"]
    response = client.post(url, draft, follow=True)
    assert tree.course.revisions.count() == revisions + 1
    assert (
        "évalue rien" in response.content.decode()
        or "assesses nothing" in response.content.decode()
    )
    # confirmed by the trainer: published
    response = client.post(url, _course_form_data(tree.course, certificate_without_assessment="on"))
    assert response.status_code == 302
    assert CoursePage.objects.get(pk=tree.course.pk).certificate_without_assessment is True
    # or a required lesson passed at a pass mark is an assessed criterion
    CoursePage.objects.filter(pk=tree.course.pk).update(certificate_without_assessment=False)
    _set_body(tree.lessons[0], [_quiz("quiz-a")], completion_rule="passed")
    response = client.post(url, _course_form_data(tree.course))
    assert response.status_code == 302
