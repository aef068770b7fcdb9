"""Real browser: a learner opens a lesson, the player loads lazily, the learner answers the
demo activity and the result (and resume state) is stored."""


import pytest

from courses.h5p.demo import demo_activities, demo_package_bytes
from courses.h5p.models import H5PContentUserData, H5PResult
from courses.h5p.services import h5p_activity_create, h5p_package_import
from tests import factories as common
from tests.h5p.factories import lesson_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 700}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(40_000)
    yield context, page
    context.close()


def demo_activity(key):
    spec = next(s for s in demo_activities() if s["key"] == key)
    package = h5p_package_import(file=demo_package_bytes(spec), title=spec["title"])
    package.refresh_from_db()
    assert package.status == "ready", package.errors
    return h5p_activity_create(
        key=key, title=spec["title"], package=package, language=spec["language"]
    )


def test_learner_answers_the_h5p_activity_and_the_result_is_stored(
    live_server, browser_page, client, settings
):
    from learners.models import LessonProgress

    settings.H5P = {"SAVE_FREQ_SECONDS": 2}
    fr = demo_activity("demo-registry")
    ar = demo_activity("demo-registry-ar")
    long_text = "".join(f"<p>Paragraphe {n} de la leçon.</p>" for n in range(80))
    lesson = lesson_with(fr, text=long_text)
    other_lesson = lesson_with(ar)
    user = common.UserFactory(username="h5p.learner")
    client.force_login(user)
    context, page = browser_page
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(live_server.url + lesson.url)
    fr_holder = page.locator(f"#h5p-demo-registry-{lesson.pk}")
    # Lazy: below the fold, the player script is not even fetched.
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.H5PStandalone") == "undefined"
    assert fr_holder.locator("iframe").count() == 0
    fr_holder.scroll_into_view_if_needed()
    frame = page.frame_locator(f"#h5p-demo-registry-{lesson.pk} iframe")
    frame.get_by_text("Un récépissé portant le numéro d'ordre").click()
    # The test waits through the browser, not by polling the database: in-memory SQLite
    # refuses a write while another thread reads.
    with page.expect_response(lambda r: "/api/xapi/statements" in r.url) as xapi:
        frame.get_by_role("button", name="Vérifier").click()
    assert xapi.value.status in (200, 204), xapi.value.text()
    frame.get_by_text("Bonne réponse !").wait_for()
    with page.expect_response(
        lambda r: "/h5p/user-data/" in r.url and r.request.method == "POST"
    ) as saved:
        pass
    assert saved.value.status == 200, saved.value.text()

    result = H5PResult.objects.get(user=user, activity=fr)
    assert result.score_raw == 1 and result.score_max == 1 and result.success is True
    assert result.client_reported and result.lesson_id == lesson.pk
    progress = LessonProgress.objects.get(enrollment__user=user, lesson=lesson)
    assert progress.best_score == 100

    # Resume state: saved by the player, restored on the next visit.
    assert H5PContentUserData.objects.filter(user=user, activity=fr).exists()
    page.reload()
    page.locator(f"#h5p-demo-registry-{lesson.pk}").scroll_into_view_if_needed()
    page.frame_locator(f"#h5p-demo-registry-{lesson.pk} iframe").get_by_text(
        "Bonne réponse !"
    ).wait_for()

    # An Arabic activity is right-to-left, even on a French page.
    page.goto(live_server.url + other_lesson.url)
    page.locator(f"#h5p-demo-registry-ar-{other_lesson.pk}").scroll_into_view_if_needed()
    ar_frame = page.frame_locator(f"#h5p-demo-registry-ar-{other_lesson.pk} iframe")
    ar_frame.get_by_text("وصلا يحمل الرقم الترتيبي").wait_for()
    assert ar_frame.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("dir") == "ltr"
