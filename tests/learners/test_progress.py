from datetime import timedelta

import pytest
from django.utils import timezone

from learners import services
from learners.models import Enrollment, LessonProgress, Statement
from learners.services.progress import heartbeat_max_seconds
from learners.xapi import VERBS

pytestmark = pytest.mark.django_db


def test_visit_enrols_and_records_first_and_last_visit(learner, tree):
    lesson = tree.lessons[0]
    t0 = timezone.now()
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0)
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0 + timedelta(minutes=5))
    progress = LessonProgress.objects.get()
    assert progress.enrollment.user == learner
    assert progress.first_visit_at == t0
    assert progress.last_visit_at == t0 + timedelta(minutes=5)
    assert progress.status == LessonProgress.Status.COMPLETED
    # one "viewed" statement per viewing session, not per page load
    assert Statement.objects.filter(verb=VERBS["experienced"]).count() == 1
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0 + timedelta(hours=2))
    assert Statement.objects.filter(verb=VERBS["experienced"]).count() == 2


def test_heartbeats_accumulate_time_while_active(learner, tree):
    lesson = tree.lessons[0]
    t0 = timezone.now()
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0)
    for i in range(1, 5):
        services.lesson_heartbeat_record(
            user=learner, lesson=lesson, seconds=30, now=t0 + timedelta(seconds=30 * i)
        )
    assert LessonProgress.objects.get().time_spent_seconds == 120


def test_idle_tab_does_not_accumulate_hours(learner, tree):
    lesson = tree.lessons[0]
    t0 = timezone.now()
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0)
    # the browser claims 3 hours after 3 hours of silence
    services.lesson_heartbeat_record(
        user=learner, lesson=lesson, seconds=3 * 3600, now=t0 + timedelta(hours=3)
    )
    assert LessonProgress.objects.get().time_spent_seconds == heartbeat_max_seconds()


def test_retried_heartbeat_adds_nothing(learner, tree):
    lesson = tree.lessons[0]
    t0 = timezone.now()
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0)
    t1 = t0 + timedelta(seconds=30)
    services.lesson_heartbeat_record(user=learner, lesson=lesson, seconds=30, now=t1)
    services.lesson_heartbeat_record(user=learner, lesson=lesson, seconds=30, now=t1)
    assert LessonProgress.objects.get().time_spent_seconds == 30


def test_heartbeat_cannot_claim_more_than_wall_time(learner, tree):
    lesson = tree.lessons[0]
    t0 = timezone.now()
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0)
    services.lesson_heartbeat_record(
        user=learner, lesson=lesson, seconds=59, now=t0 + timedelta(seconds=5)
    )
    assert LessonProgress.objects.get().time_spent_seconds == 5


def test_negative_heartbeat_is_ignored(learner, tree):
    lesson = tree.lessons[0]
    t0 = timezone.now()
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0)
    services.lesson_heartbeat_record(
        user=learner, lesson=lesson, seconds=-500, now=t0 + timedelta(seconds=30)
    )
    assert LessonProgress.objects.get().time_spent_seconds == 0


def test_activity_updates_last_activity_of_enrollment(learner, tree):
    lesson = tree.lessons[0]
    t0 = timezone.now() + timedelta(hours=1)
    services.lesson_visit_record(user=learner, lesson=lesson, now=t0)
    assert Enrollment.objects.get().last_activity_at == t0


def test_best_score_kept_and_clamped(learner, tree):
    lesson = tree.lessons[0]
    services.lesson_progress_record_score(
        user=learner, lesson=lesson, score_scaled=1.7, success=True, completed=True, source="quiz"
    )
    assert LessonProgress.objects.get().best_score == 100


def test_course_outline_shows_each_module_percent_in_both_languages(client, learner, tree):
    from tests.learners import factories

    copies = factories.translate_tree(tree)
    services.lesson_visit_record(
        user=learner, lesson=tree.lessons[0]
    )  # 1 of the 2 lessons of module 1
    client.force_login(learner)
    html = client.get(tree.course.url).content.decode()
    outline = html[html.index('class="course-outline"') :]
    assert (
        outline.count('<span class="meta">50\u00a0% terminé</span>') == 1
    )  # module 1: 1 of 2 lessons
    assert (
        outline.count('<span class="meta">0\u00a0% terminé</span>') == 1
    )  # module 2 (optional): none
    html_ar = client.get(copies[tree.course.pk].url).content.decode()
    assert "أُنجز 50%" in html_ar[html_ar.index('class="course-outline"') :]
