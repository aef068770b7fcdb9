"""H5P results (client-reported) feeding lesson progress, and resume state."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courses.h5p.models import H5PActivity, H5PContentUserData, H5PResult
from courses.h5p.selectors import h5p_object_id
from courses.h5p.services import h5p_activity_for_object_id, h5p_result_record
from tests import factories as common
from tests.h5p.factories import lesson_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def played(make_activity):
    activity = make_activity(key="quiz-fr")
    lesson = lesson_with(activity)
    return activity, lesson


def statement(object_id, *, raw=1, max_=1, success=True, verb="answered", sid=None):
    return {
        "id": str(sid or uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": "mailto:forged@example.com", "name": "x"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": object_id},
        "result": {
            "score": {"min": 0, "max": max_, "raw": raw, "scaled": raw / max_},
            "success": success,
            "completion": True,
        },
    }


def test_object_id_resolves_to_the_activity_for_a_learner(played):
    activity, lesson = played
    user = common.UserFactory()
    object_id = h5p_object_id(activity=activity, lesson_id=lesson.pk)
    assert h5p_activity_for_object_id(user=user, object_id=object_id) == activity
    sub = h5p_activity_for_object_id(user=user, object_id=object_id + "?subContentId=abc")
    assert sub == activity


def test_object_id_of_a_lesson_without_the_activity_is_refused(played, make_activity):
    _activity, lesson = played
    other = make_activity(key="autre")
    with pytest.raises(PermissionDenied):
        h5p_activity_for_object_id(
            user=common.UserFactory(), object_id=h5p_object_id(activity=other, lesson_id=lesson.pk)
        )


def test_unknown_object_ids_are_not_h5p_activities(played):
    user = common.UserFactory()
    with pytest.raises(H5PActivity.DoesNotExist):
        h5p_activity_for_object_id(user=user, object_id="https://example.org/activities/1")
    with pytest.raises(H5PActivity.DoesNotExist):
        h5p_activity_for_object_id(user=user, object_id="http://testserver/h5p/play/1/inconnue/")


def test_result_keeps_scores_marks_them_client_reported_and_updates_progress(
    played, learner_playing
):
    from learners.models import LessonProgress

    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson)
    object_id = h5p_object_id(activity=activity, lesson_id=lesson.pk)
    activity = h5p_activity_for_object_id(user=user, object_id=object_id)
    row = h5p_result_record(
        user=user, activity=activity, statement=statement(object_id, raw=3, max_=4, success=False)
    )
    assert row.score_raw == Decimal(3) and row.score_max == Decimal(4)
    assert row.score_scaled == Decimal("0.75")
    assert row.success is False and row.completion is True and row.client_reported is True
    assert row.lesson_id == lesson.pk
    progress = LessonProgress.objects.get(enrollment__user=user, lesson=lesson)
    assert progress.best_score == Decimal("75.00")
    assert progress.status == LessonProgress.Status.COMPLETED


def test_result_is_recorded_once_per_statement_id(played, learner_playing):
    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson)
    object_id = h5p_object_id(activity=activity, lesson_id=lesson.pk)
    st = statement(object_id)
    first = h5p_result_record(user=user, activity=activity, statement=st)
    again = h5p_result_record(user=user, activity=activity, statement=st)
    assert first == again and H5PResult.objects.count() == 1


def test_statements_without_result_or_about_sub_content_are_not_attempts(played):
    activity, lesson = played
    user = common.UserFactory()
    object_id = h5p_object_id(activity=activity, lesson_id=lesson.pk)
    no_result = statement(object_id)
    del no_result["result"]
    assert h5p_result_record(user=user, activity=activity, statement=no_result) is None
    sub = statement(object_id + "?subContentId=1")
    assert h5p_result_record(user=user, activity=activity, statement=sub) is None
    assert not H5PResult.objects.exists()


def test_xapi_endpoint_stores_the_h5p_result(client, played, learner_playing):
    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson)
    client.force_login(user)
    object_id = h5p_object_id(activity=activity, lesson_id=lesson.pk)
    response = client.post(
        "/api/xapi/statements",
        statement(object_id, raw=1, max_=2),
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code in (200, 204), response.content
    row = H5PResult.objects.get()
    assert row.user == user and row.score_scaled == Decimal("0.5")


def user_data_url(lesson_id, key, data_type="state", sub="0"):
    base = reverse("h5p:user_data", kwargs={"lesson_id": lesson_id, "key": key})
    return f"{base}?dataType={data_type}&subContentId={sub}"


def test_resume_state_is_saved_and_restored_per_user(client, played):
    activity, lesson = played
    alice, bob = common.UserFactory(), common.UserFactory()
    url = user_data_url(lesson.pk, activity.key)
    client.force_login(alice)
    assert client.get(url).json() == {"success": True, "data": False}
    response = client.post(url, {"data": '{"selected": 1}', "preload": "1", "invalidate": "0"})
    assert response.json() == {"success": True}
    assert client.get(url).json() == {"success": True, "data": '{"selected": 1}'}
    client.post(url, {"data": '{"selected": 2}'})
    assert client.get(url).json()["data"] == '{"selected": 2}'
    assert H5PContentUserData.objects.count() == 1

    client.force_login(bob)
    assert client.get(url).json()["data"] is False

    client.force_login(alice)
    client.post(url, {"data": "0"})
    assert client.get(url).json()["data"] is False


def test_resume_state_is_size_limited(client, played, settings):
    settings.H5P = {"MAX_USER_DATA_BYTES": 100}
    activity, lesson = played
    client.force_login(common.UserFactory())
    response = client.post(user_data_url(lesson.pk, activity.key), {"data": "x" * 101})
    assert response.status_code == 413 and response.json()["success"] is False
    assert not H5PContentUserData.objects.exists()


def test_resume_state_needs_access_to_the_lesson(client, played):
    activity, lesson = played
    url = user_data_url(lesson.pk, activity.key)
    assert client.get(url).status_code == 403
    client.force_login(common.UserFactory())
    hidden = lesson_with(live=False)
    assert client.get(user_data_url(hidden.pk, activity.key)).status_code == 403


def test_resume_state_post_needs_the_csrf_token(played):
    from django.test import Client

    activity, lesson = played
    client = Client(enforce_csrf_checks=True)
    client.force_login(common.UserFactory())
    assert client.post(user_data_url(lesson.pk, activity.key), {"data": "{}"}).status_code == 403


def test_player_preloads_the_saved_state_for_the_signed_in_user(played, client):
    from courses.h5p.selectors import h5p_player_options
    from courses.h5p.services import h5p_user_data_save

    activity, lesson = played
    user = common.UserFactory()
    options = h5p_player_options(activity=activity, lesson_id=lesson.pk, user=user, files_base="/f")
    assert "contentUserData" not in options
    assert options["saveFreq"] > 0  # H5P core restores a state only when saveFreq is set
    h5p_user_data_save(user=user, activity=activity, data='{"selected": 0}')
    options = h5p_player_options(activity=activity, lesson_id=lesson.pk, user=user, files_base="/f")
    assert options["contentUserData"] == [{"state": '{"selected": 0}'}]
    assert options["xAPIObjectIRI"].endswith(f"/h5p/play/{lesson.pk}/quiz-fr/")
    # The sandboxed frame never asks the server for the state itself.
    assert options["ajax"]["contentUserDataUrl"].startswith("data:application/json,")


def test_xapi_endpoint_refuses_an_activity_the_learner_may_not_play(client, make_activity):
    activity = make_activity(key="cachee")
    hidden = lesson_with(activity, live=False)
    client.force_login(common.UserFactory())
    object_id = h5p_object_id(activity=activity, lesson_id=hidden.pk)
    response = client.post(
        "/api/xapi/statements",
        statement(object_id),
        content_type="application/json",
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )
    assert response.status_code == 403
    assert not H5PResult.objects.exists()


def test_player_runtime_strings_follow_the_content_language(make_activity, rf):
    from django.utils import translation

    from courses.h5p.selectors import h5p_player_context

    activity = make_activity(key="quiz-ar", language="ar")
    request = rf.get("/")
    request.user = common.UserFactory()
    from courses.h5p.selectors import h5p_player_options

    assert h5p_player_context(activity=activity, request=request)["language"] == "ar"
    strings = h5p_player_options(
        activity=activity, lesson_id=0, user=request.user, files_base="/f"
    )["translations"]
    with translation.override("ar"):
        expected = translation.gettext("Retry now")
    assert strings["H5P"]["offlineDialogRetryButtonLabel"] == expected
    assert set(strings["H5P"]) >= {"contentChanged", "connectionLost", "confirmLabel"}


def test_activity_for_key_prefers_the_language_version(make_activity):
    from courses.h5p.selectors import h5p_activity_for_key

    fr = make_activity(key="demo-x")
    ar = make_activity(key="demo-x-ar", language="ar")
    assert h5p_activity_for_key(key="demo-x", language="ar") == ar
    assert h5p_activity_for_key(key="demo-x", language="fr") == fr
    assert h5p_activity_for_key(key="absent", language="fr") is None
