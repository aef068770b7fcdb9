"""Issue 15: an activity gets a new version of its package without losing learners' results."""

import pytest
from django.urls import reverse

from courses.h5p.models import H5PContentUserData, H5PPackage, H5PResult
from courses.h5p.services import h5p_activity_replace_package
from tests import factories as common
from tests.h5p.factories import build, lesson_with, valid_files

pytestmark = pytest.mark.django_db


def second_version():
    files = valid_files(title="Version 2")
    files["content/content.json"] = {"question": "Nouvelle question ?"}
    return build(files)


def with_result_and_state(activity):
    user = common.UserFactory()
    lesson = lesson_with(activity)
    H5PResult.objects.create(
        user=user, activity=activity, lesson=lesson, score_raw=1, score_max=1, success=True
    )
    H5PContentUserData.objects.create(user=user, activity=activity, data='{"old": true}')
    return user, lesson


def test_replacing_the_package_keeps_results_and_drops_old_resume_states(
    make_activity, import_package
):
    activity = make_activity()
    user, _lesson = with_result_and_state(activity)
    new = import_package(second_version())
    activity = h5p_activity_replace_package(activity=activity, package=new)
    assert activity.package == new
    assert H5PResult.objects.filter(user=user, activity=activity).count() == 1
    assert not H5PContentUserData.objects.filter(activity=activity).exists()


def test_a_package_that_is_not_ready_cannot_replace_the_content(make_activity, import_package):
    activity = make_activity()
    new = import_package(second_version())
    H5PPackage.objects.filter(pk=new.pk).update(status=H5PPackage.Status.HELD)
    new.refresh_from_db()
    with pytest.raises(ValueError):
        h5p_activity_replace_package(activity=activity, package=new)


def test_the_lesson_plays_the_new_version_after_an_edit_in_the_admin(
    make_activity, import_package, admin_client, client
):
    from django.test import Client

    from tests.h5p.test_delivery import files_base

    activity = make_activity()
    user, lesson = with_result_and_state(activity)
    new = import_package(second_version())
    response = admin_client.post(
        reverse("wagtailsnippets_h5p_h5pactivity:edit", args=[activity.pk]),
        {
            "title": activity.title,
            "key": activity.key,
            "package": new.pk,
            "language": activity.language,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    activity.refresh_from_db()
    assert activity.package == new
    assert H5PResult.objects.filter(activity=activity).count() == 1
    assert not H5PContentUserData.objects.filter(activity=activity).exists()
    client.force_login(user)
    base = files_base(client, lesson.pk, activity.key)
    content = Client().get(f"{base}/content/content.json")
    assert b"Nouvelle question" in b"".join(content.streaming_content)
