"""Player files: access control, MIME types, security and cache headers; the block template."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale

from courses.h5p.models import H5PLibrary
from courses.h5p.services import h5p_library_set_blocked
from tests import factories as common
from tests.h5p.factories import lesson_with

pytestmark = pytest.mark.django_db


def player_url(lesson_id, key, preview=False):
    url = reverse("h5p:player", kwargs={"lesson_id": lesson_id, "key": key})
    return url + ("?preview=1" if preview else "")


def files_base(client, lesson_id, key, preview=False) -> str:
    """Opens the player page as ``client`` and returns its token URL for files."""
    response = client.get(player_url(lesson_id, key, preview))
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    options = json.loads(
        html.split('id="h5p-options" type="application/json">')[1].split("</script>")[0]
    )
    return options["h5pJsonPath"]


@pytest.fixture
def played(make_activity):
    activity = make_activity(key="quiz-fr")
    lesson = lesson_with(activity)
    return activity, lesson


def test_the_player_page_is_a_sandbox_without_the_platforms_origin(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    response = client.get(player_url(lesson.pk, activity.key))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox allow-scripts")
    assert "allow-same-origin" not in csp and "allow-top-navigation" not in csp
    assert "frame-ancestors 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    html = response.content.decode()
    # No session-bound URL in the player: files come by token, saves by the parent page.
    assert "/h5p/files/" in html and "csrfmiddlewaretoken" not in html


def test_files_are_served_by_token_without_cookies_and_with_safe_headers(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    base = files_base(client, lesson.pk, activity.key)
    anonymous = Client()  # the sandboxed frame sends no cookies
    response = anonymous.get(f"{base}/content/content.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private, max-age=")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert b"".join(response.streaming_content) == b'{"question": "Vrai ?"}'
    assert anonymous.get(f"{base}/content/images/photo.png")["Content-Type"] == "image/png"
    h5p_json = anonymous.get(f"{base}/h5p.json")
    assert h5p_json.status_code == 200 and h5p_json["Content-Type"] == "application/json"


def test_library_files_have_javascript_and_css_types(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    base = files_base(client, lesson.pk, activity.key)
    js = client.get(f"{base}/libraries/H5P.TestLib-1.0/lib.js")
    css = client.get(f"{base}/libraries/H5P.TestLib-1.0/lib.css")
    meta = client.get(f"{base}/libraries/H5P.TestDep-1.2/library.json")
    assert js.status_code == css.status_code == meta.status_code == 200
    assert js["Content-Type"].startswith("text/javascript")
    assert css["Content-Type"].startswith("text/css")
    assert js["X-Content-Type-Options"] == "nosniff"


def test_documents_are_downloaded_never_rendered(client, import_package):
    """PDF and XML could be rendered as documents (XML can carry XHTML scripts): they are
    attachments; SVG stays inline as an image but its own document runs sandboxed."""
    from courses.h5p.services import h5p_activity_create
    from tests.h5p import factories

    files = factories.valid_files()
    files["content/doc.pdf"] = b"%PDF-1.4 fake"
    files["content/data.xml"] = (
        b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'
    )
    files["content/pic.svg"] = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    package = import_package(factories.build(files))
    activity = h5p_activity_create(key="docs", title="Docs", package=package, language="fr")
    lesson = lesson_with(activity)
    client.force_login(common.UserFactory())
    base = files_base(client, lesson.pk, activity.key)
    for name in ("doc.pdf", "data.xml"):
        response = client.get(f"{base}/content/{name}")
        assert response["Content-Disposition"].startswith("attachment"), name
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"].startswith("sandbox")
    svg = client.get(f"{base}/content/pic.svg")
    assert svg["Content-Type"] == "image/svg+xml" and "Content-Disposition" not in svg
    assert svg["Content-Security-Policy"].startswith("sandbox")


def test_html_files_are_refused_at_import(db):
    from courses.h5p.services import H5PValidationError, h5p_package_import
    from tests.h5p import factories

    for name in ("content/page.html", "content/page.xhtml", "content/page.htm"):
        files = factories.valid_files()
        files[name] = b"<script>alert(1)</script>"
        with pytest.raises(H5PValidationError):
            h5p_package_import(file=factories.build(files))


def test_a_forged_or_expired_token_gets_nothing(client, played, settings):
    activity, lesson = played
    client.force_login(common.UserFactory())
    base = files_base(client, lesson.pk, activity.key)
    token = base.split("/h5p/files/")[1]
    forged = base.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    assert client.get(f"{forged}/h5p.json").status_code == 403
    settings.H5P = {"FILE_TOKEN_SECONDS": -1}
    assert client.get(f"{base}/h5p.json").status_code == 403


def test_anonymous_visitors_get_no_player(client, played):
    activity, lesson = played
    assert client.get(player_url(lesson.pk, activity.key)).status_code == 403


def test_activity_not_used_in_the_lesson_is_refused(client, played, make_activity):
    _activity, lesson = played
    other = make_activity(key="autre")
    client.force_login(common.UserFactory())
    assert client.get(player_url(lesson.pk, other.key)).status_code == 403


def test_unpublished_lesson_hides_its_activity(client, make_activity):
    activity = make_activity(key="brouillon")
    lesson = lesson_with(activity, live=False)
    client.force_login(common.UserFactory())
    assert client.get(player_url(lesson.pk, activity.key)).status_code == 403
    # Asking for the preview does not help a learner.
    assert client.get(player_url(lesson.pk, activity.key, preview=True)).status_code == 403


def test_editors_play_a_draft_lessons_activity_in_preview_and_nothing_is_recorded(
    client, make_activity
):
    from courses.h5p.models import H5PPlay

    activity = make_activity(key="brouillon")
    lesson = lesson_with(activity, live=False)
    client.force_login(common.platform_admin())
    assert client.get(player_url(lesson.pk, activity.key)).status_code == 403
    base = files_base(client, lesson.pk, activity.key, preview=True)
    assert Client().get(f"{base}/content/content.json").status_code == 200
    assert not H5PPlay.objects.exists()
    html = client.get(player_url(lesson.pk, activity.key, preview=True)).content.decode()
    assert '"user"' not in html  # no learner identity, no resume state in a preview


def test_preview_without_lesson_is_for_editors_only(client, make_activity):
    activity = make_activity(key="apercu")
    client.force_login(common.UserFactory())
    assert client.get(player_url(0, activity.key, preview=True)).status_code == 403
    client.force_login(common.platform_admin())
    assert client.get(player_url(0, activity.key, preview=True)).status_code == 200


def test_library_not_used_by_the_package_and_path_tricks_are_not_served(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    base = files_base(client, lesson.pk, activity.key)
    assert client.get(f"{base}/libraries/H5P.Other-1.0/x.js").status_code == 404
    assert client.get(f"{base}/content/../h5p.json").status_code == 404
    assert client.get(f"{base}/content/missing.json").status_code == 404


def test_blocked_library_stops_delivery(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    base = files_base(client, lesson.pk, activity.key)
    h5p_library_set_blocked(
        library=H5PLibrary.objects.get(machine_name="H5P.TestDep"), blocked=True
    )
    assert client.get(f"{base}/content/content.json").status_code == 404
    assert client.get(player_url(lesson.pk, activity.key), follow=True).status_code == 404


def test_files_are_never_under_media_url(played, settings, private_storage):
    from pathlib import Path

    from academy.settings import base

    media = Path(settings.MEDIA_ROOT).resolve()
    configured = Path(base.STORAGES["private"]["OPTIONS"]["location"]).resolve()
    assert not configured.is_relative_to(media)
    stored = [p for p in private_storage.rglob("*") if p.is_file()]
    assert stored and not any(p.resolve().is_relative_to(media) for p in stored)


def test_block_renders_a_focusable_button_and_a_titled_sandboxed_frame(client, make_activity):
    fr = make_activity(key="quiz-fr")
    ar = make_activity(key="quiz-ar", language="ar")
    lesson = lesson_with(fr, ar)
    client.force_login(common.UserFactory())
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ar" dir="rtl"' in html and 'lang="fr" dir="ltr"' in html
    assert "data-h5p-player" in html and "h5p/h5p-lazy.js" in html
    assert '<button type="button"' in html and "data-h5p-start" in html
    assert f'data-h5p-src="/h5p/player/{lesson.pk}/quiz-ar/?lang=fr"' in html
    assert "Activité interactive\u00a0: quiz-ar" in html
    # The lesson page holds no file URL of the player: only the sandboxed frame gets them.
    assert "/h5p/files/" not in html and "libraries" not in html
    lazy = (
        __import__("pathlib").Path(__file__).resolve().parents[2]
        / "courses/h5p/static/h5p/h5p-lazy.js"
    ).read_text()
    assert (
        'setAttribute("sandbox", "allow-scripts allow-forms allow-popups allow-downloads")' in lazy
    )
    assert "event.source" in lazy or "playerFor(event.source)" in lazy


def test_a_translated_lesson_plays_the_activity_in_its_own_language(client, make_activity):
    """The Arabic lesson (a translation of the French one) embeds the French activity in its
    copied body; it plays the Arabic version (same base key, language ar)."""
    from wagtail.models import Locale

    fr = make_activity(key="registre")
    ar = make_activity(key="registre-ar", language="ar")
    lesson = lesson_with(fr)
    arabic = Locale.objects.get_or_create(language_code="ar")[0]
    course = lesson.get_parent().get_parent()
    catalogue = course.get_parent()
    for page in (catalogue, course, lesson.get_parent()):
        if not page.specific.get_translations().filter(locale=arabic).exists():
            page.specific.copy_for_translation(arabic).save_revision().publish()
    translated = lesson.specific.copy_for_translation(arabic)
    translated.save_revision().publish()
    translated.refresh_from_db()
    assert translated.locale == arabic and translated.live
    client.force_login(common.UserFactory())
    html = client.get(translated.url).content.decode()
    assert f'data-h5p-src="/h5p/player/{lesson.pk}/registre-ar/?lang=ar"' in html, html[-3000:]
    assert 'lang="ar" dir="rtl"' in html
    assert client.get(player_url(lesson.pk, ar.key)).status_code == 200
    # The French lesson keeps the French activity.
    assert (
        f'data-h5p-src="/h5p/player/{lesson.pk}/registre/?lang=fr"'
        in client.get(lesson.url).content.decode()
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


def test_preview_needs_edit_or_review_rights_on_that_lesson(client, make_activity):
    from django.contrib.auth.models import Permission

    activity = make_activity(key="brouillon")
    lesson = lesson_with(activity, live=False)
    outsider = common.trainer()
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    assert client.get(player_url(lesson.pk, activity.key, preview=True)).status_code == 403


def test_unchanged_files_answer_304_with_the_same_security_headers(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    base = files_base(client, lesson.pk, activity.key)
    anonymous = Client()
    for url in (f"{base}/content/content.json", f"{base}/libraries/H5P.TestLib-1.0/lib.js"):
        first = anonymous.get(url)
        assert first.status_code == 200 and first["ETag"].startswith('"')
        again = anonymous.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again["ETag"] == first["ETag"]
        assert again["Content-Security-Policy"].startswith("sandbox")
        assert again["X-Content-Type-Options"] == "nosniff"
        assert anonymous.get(url, HTTP_IF_NONE_MATCH='"stale"').status_code == 200
    # A forged token still gets nothing, whatever validator it sends.
    token = base.split("/h5p/files/")[1]
    forged = base.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    etag = anonymous.get(f"{base}/h5p.json")["ETag"]
    assert anonymous.get(f"{forged}/h5p.json", HTTP_IF_NONE_MATCH=etag).status_code == 403


def test_lesson_page_with_an_activity_stays_within_the_query_bound(
    client, played, learner_playing, django_assert_max_num_queries
):
    activity, lesson = played
    user = learner_playing(common.UserFactory(), activity, lesson, served=False)
    client.force_login(user)
    client.get(lesson.url)
    with django_assert_max_num_queries(8):
        response = client.get(lesson.url)
    assert response.status_code == 200 and f"h5p-{activity.key}-" in response.content.decode()


def player_options(client, url) -> dict:
    html = client.get(url).content.decode()
    return json.loads(
        html.split('id="h5p-options" type="application/json">')[1].split("</script>")[0]
    )


@pytest.mark.parametrize(("lang", "expected"), [("ar", "ملء الشاشة"), ("fr", "Plein écran")])
def test_the_players_own_strings_follow_the_lessons_language(client, played, lang, expected):
    activity, lesson = played  # a French activity
    client.force_login(common.UserFactory())
    options = player_options(client, player_url(lesson.pk, activity.key) + f"?lang={lang}")
    assert options["translations"]["H5P"]["fullscreen"] == expected


def test_an_unknown_player_language_falls_back_to_the_sites(client, played):
    activity, lesson = played
    client.force_login(common.UserFactory())
    options = player_options(client, player_url(lesson.pk, activity.key) + "?lang=xx")
    assert options["translations"]["H5P"]["fullscreen"] == "Plein écran"


def test_the_block_asks_the_player_for_the_pages_language(make_activity):
    from courses.h5p.selectors import h5p_player_context

    activity = make_activity(key="quiz-fr")
    lesson = lesson_with(activity)
    lesson.locale = Locale.objects.get_or_create(language_code="ar")[0]
    context = h5p_player_context(activity=activity, page=lesson)
    assert "lang=ar" in context["player_url"]
