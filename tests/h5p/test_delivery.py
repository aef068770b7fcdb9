"""Player files: access control, MIME types, security and cache headers; the block template."""

import pytest
from django.urls import reverse

from courses.h5p.models import H5PLibrary
from courses.h5p.services import h5p_library_set_blocked
from tests import factories as common
from tests.h5p.factories import lesson_with

pytestmark = pytest.mark.django_db


def content_url(lesson_id, key, path):
    return reverse("h5p:content_file", kwargs={"lesson_id": lesson_id, "key": key, "path": path})


def library_url(lesson_id, key, folder, path):
    return reverse(
        "h5p:library_file",
        kwargs={"lesson_id": lesson_id, "key": key, "folder": folder, "path": path},
    )


@pytest.fixture
def played(make_activity):
    activity = make_activity(key="quiz-fr")
    lesson = lesson_with(activity)
    return activity, lesson


def test_content_files_are_served_to_learners_with_safe_headers(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    response = client.get(content_url(lesson.pk, activity.key, "content.json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private, max-age=")
    assert b"".join(response.streaming_content) == b'{"question": "Vrai ?"}'

    image = client.get(content_url(lesson.pk, activity.key, "images/photo.png"))
    assert image["Content-Type"] == "image/png"
    h5p_json = client.get(
        reverse("h5p:h5p_json", kwargs={"lesson_id": lesson.pk, "key": activity.key})
    )
    assert h5p_json.status_code == 200 and h5p_json["Content-Type"] == "application/json"


def test_library_files_have_javascript_and_css_types(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    js = client.get(library_url(lesson.pk, activity.key, "H5P.TestLib-1.0", "lib.js"))
    css = client.get(library_url(lesson.pk, activity.key, "H5P.TestLib-1.0", "lib.css"))
    meta = client.get(library_url(lesson.pk, activity.key, "H5P.TestDep-1.2", "library.json"))
    assert js.status_code == css.status_code == meta.status_code == 200
    assert js["Content-Type"].startswith("text/javascript")
    assert css["Content-Type"].startswith("text/css")
    assert js["X-Content-Type-Options"] == "nosniff"


def test_anonymous_visitors_get_no_files(client, played):
    activity, lesson = played
    response = client.get(content_url(lesson.pk, activity.key, "content.json"))
    assert response.status_code == 403
    response = client.get(library_url(lesson.pk, activity.key, "H5P.TestLib-1.0", "lib.js"))
    assert response.status_code == 403


def test_activity_not_used_in_the_lesson_is_refused(client, played, make_activity):
    _activity, lesson = played
    other = make_activity(key="autre")
    client.force_login(common.UserFactory())
    response = client.get(content_url(lesson.pk, other.key, "content.json"))
    assert response.status_code == 403


def test_unpublished_lesson_hides_its_activity(client, make_activity):
    activity = make_activity(key="brouillon")
    lesson = lesson_with(activity, live=False)
    client.force_login(common.UserFactory())
    assert client.get(content_url(lesson.pk, activity.key, "content.json")).status_code == 403


def test_preview_without_lesson_is_for_editors_only(client, make_activity):
    activity = make_activity(key="apercu")
    client.force_login(common.UserFactory())
    assert client.get(content_url(0, activity.key, "content.json")).status_code == 403
    client.force_login(common.platform_admin())
    assert client.get(content_url(0, activity.key, "content.json")).status_code == 200


def test_library_not_used_by_the_package_and_path_tricks_are_not_served(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    assert (
        client.get(library_url(lesson.pk, activity.key, "H5P.Other-1.0", "x.js")).status_code == 404
    )
    assert client.get(content_url(lesson.pk, activity.key, "../h5p.json")).status_code == 404
    assert client.get(content_url(lesson.pk, activity.key, "missing.json")).status_code == 404


def test_blocked_library_stops_delivery(client, played):
    activity, lesson = played
    h5p_library_set_blocked(
        library=H5PLibrary.objects.get(machine_name="H5P.TestDep"), blocked=True
    )
    client.force_login(common.UserFactory())
    assert client.get(content_url(lesson.pk, activity.key, "content.json")).status_code == 404


def test_files_are_never_under_media_url(played, settings, private_storage):
    from pathlib import Path

    from academy.settings import base

    media = Path(settings.MEDIA_ROOT).resolve()
    configured = Path(base.STORAGES["private"]["OPTIONS"]["location"]).resolve()
    assert not configured.is_relative_to(media)
    stored = [p for p in private_storage.rglob("*") if p.is_file()]
    assert stored and not any(p.resolve().is_relative_to(media) for p in stored)


def test_block_renders_a_lazy_player_with_the_content_direction(client, make_activity):
    fr = make_activity(key="quiz-fr")
    ar = make_activity(key="quiz-ar", language="ar")
    lesson = lesson_with(fr, ar)
    client.force_login(common.UserFactory())
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ar" dir="rtl"' in html and 'lang="fr" dir="ltr"' in html
    assert "data-h5p-player" in html and "h5p/h5p-lazy.js" in html
    assert f"/h5p/play/{lesson.pk}/quiz-ar/libraries" in html
    assert "h5p-standalone/frame.bundle.js" in html
    assert (
        "IntersectionObserver"
        in (
            __import__("pathlib").Path(__file__).resolve().parents[2]
            / "courses/h5p/static/h5p/h5p-lazy.js"
        ).read_text()
    )


def test_system_checks_report_broken_configurations(settings):
    from courses.h5p import checks

    assert checks.h5p_player_check() == []
    assert checks.h5p_settings_check() == []
    settings.H5P = {"MAX_FILES": 0}
    assert [e.id for e in checks.h5p_settings_check()] == ["h5p.E003"]
    settings.H5P = {"PLAYER_STATIC_PREFIX": "absent-player"}
    assert [e.id for e in checks.h5p_player_check()] == ["h5p.W001"]
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.MEDIA_ROOT) + "/private"},
        },
    }
    assert [e.id for e in checks.h5p_storage_check()] == ["h5p.E002"]
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "private"}
    assert [e.id for e in checks.h5p_storage_check()] == ["h5p.E001"]


def test_block_explains_an_activity_stopped_by_a_blocked_library(client, played):
    activity, lesson = played
    h5p_library_set_blocked(
        library=H5PLibrary.objects.get(machine_name="H5P.TestLib"), blocked=True
    )
    client.force_login(common.UserFactory())
    html = client.get(lesson.url).content.decode()
    assert "data-h5p-player" not in html
    assert "h5p-activity--unavailable" in html
