"""Results come from the server's rules, not the browser (issue 12 §6): an H5P result counts
only for a learner already enrolled in the course of a live lesson that embeds the activity,
to whom the player was served in that lesson; results never enrol anyone; the server's own
statement ids cannot be claimed by another user's statement."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.h5p.models import H5PPlay, H5PResult
from courses.h5p.selectors import h5p_object_id
from courses.h5p.services import h5p_activity_for_object_id, h5p_result_record
from learners.models import Enrollment, LessonProgress
from tests import factories as common
from tests.h5p.factories import lesson_with
from tests.h5p.test_results import statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(make_activity):
    activity = make_activity(key="quiz-fr")
    return activity, lesson_with(activity)


def record(user, activity, lesson, **kw):
    object_id = h5p_object_id(activity=activity, lesson_id=lesson.pk)
    found = h5p_activity_for_object_id(user=user, object_id=object_id)
    return h5p_result_record(user=user, activity=found, statement=statement(object_id, **kw))


def test_an_enrolled_learner_served_the_player_gets_the_result(played, learner_playing):
    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson)
    row = record(user, activity, lesson)
    assert row is not None and row.lesson_id == lesson.pk
    assert LessonProgress.objects.get(enrollment__user=user, lesson=lesson).best_score == 100


def test_a_result_never_enrols_anyone(played, learner_playing):
    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson, enrol=False)
    assert record(user, activity, lesson) is None
    assert not Enrollment.objects.filter(user=user).exists()
    assert not H5PResult.objects.filter(user=user).exists()


def test_a_result_without_the_player_served_in_that_lesson_does_not_count(played, learner_playing):
    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson, served=False)
    assert record(user, activity, lesson) is None
    assert not LessonProgress.objects.filter(enrollment__user=user, lesson=lesson).exists()


def test_a_result_sent_the_instant_the_player_was_served_does_not_count(played, learner_playing):
    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson, served=False)
    now = timezone.now()
    H5PPlay.objects.create(
        user=user, activity=activity, lesson=lesson, first_served_at=now, last_served_at=now
    )
    assert record(user, activity, lesson) is None


def test_serving_the_player_page_is_the_evidence(client, played, learner_playing):
    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson, served=False)
    client.force_login(user)
    response = client.get(
        reverse("h5p:player", kwargs={"lesson_id": lesson.pk, "key": activity.key})
    )
    assert response.status_code == 200
    play = H5PPlay.objects.get(user=user, activity=activity, lesson=lesson)
    H5PPlay.objects.filter(pk=play.pk).update(first_served_at=timezone.now() - timedelta(seconds=5))
    assert record(user, activity, lesson) is not None


def test_a_result_in_a_draft_lesson_does_not_count(make_activity, learner_playing):
    activity = make_activity(key="quiz-draft")
    live = lesson_with(activity)
    user = learner_playing(common.UserFactory(), activity, live)
    live.unpublish()
    live.refresh_from_db()
    row = h5p_result_record(
        user=user,
        activity=activity,
        statement=statement(h5p_object_id(activity=activity, lesson_id=live.pk)),
    )
    assert row is None


def test_the_editors_preview_never_records(played, learner_playing):
    activity, _lesson = played
    user = common.UserFactory()
    row = h5p_result_record(
        user=user,
        activity=activity,
        statement=statement(h5p_object_id(activity=activity, lesson_id=0)),
    )
    assert row is None and not H5PResult.objects.exists()


def test_another_users_statement_id_is_not_claimed(played, learner_playing):
    activity, lesson = played
    first = learner_playing(common.UserFactory(), activity, lesson)
    second = learner_playing(common.UserFactory(), activity, lesson)
    sid = uuid.uuid4()
    assert record(first, activity, lesson, sid=sid).user == first
    assert record(second, activity, lesson, sid=sid) is None


def test_server_event_ids_cannot_be_guessed_by_a_client():
    """The old ids were uuid5 of public parts: a learner could post a statement with the id
    of another learner's future "completed" event and block it."""
    from learners.services.enrollment import event_id

    public = uuid.uuid5(uuid.NAMESPACE_URL, "academie:" + ":".join(["completed", "7", "3"]))
    assert event_id("completed", 7, 3) != public
    assert event_id("completed", 7, 3) == event_id("completed", 7, 3)


def test_a_claimed_server_event_id_does_not_steal_the_event():
    """Even if another account holds a server event's id, the event is recorded for its
    own learner (under another id), never attributed to the other account."""
    from learners.models import Statement
    from learners.services.enrollment import event_id
    from learners.services.statements import statement_append, statements_record

    victim, attacker = common.UserFactory(), common.UserFactory()
    sid = event_id("enrollment", 999, "registered")
    statements_record(
        user=attacker,
        statements=[statement("https://example.org/activities/x", sid=sid)],
    )
    row = statement_append(
        user=victim,
        verb="http://adlnet.gov/expapi/verbs/registered",
        object_id="https://example.org/courses/1",
        statement_id=sid,
    )
    assert row.user == victim
    assert Statement.objects.get(statement_id=sid).user == attacker
