"""Real browser: a learner opens a lesson, the sandboxed player loads lazily (or from its
button, with the keyboard), the learner answers the demo activity and the result and resume
state reach the server through the lesson page (postMessage bridge)."""

import json
from pathlib import Path

import pytest

from courses import selectors as course_tree
from courses.h5p.demo import demo_activities, demo_package_bytes
from courses.h5p.models import H5PContentUserData, H5PPlay, H5PResult
from courses.h5p.services import h5p_activity_create, h5p_package_import
from learners.services import enrollment_get_or_create
from tests import factories as common
from tests.h5p.factories import lesson_with

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 700}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
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


def sign_in(context, client, live_server, user):
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def enrol(user, lesson):
    course = course_tree.lesson_course(lesson=course_tree.canonical_lesson(lesson))
    enrollment_get_or_create(learner=user, course=course)


def test_learner_answers_the_h5p_activity_and_the_result_is_stored(
    live_server, browser_page, client, settings
):
    from learners.models import LessonProgress

    settings.H5P = {"MIN_SECONDS_BEFORE_RESULT": 0}  # a robot answers faster than people

    fr = demo_activity("demo-registry")
    ar = demo_activity("demo-registry-ar")
    long_text = "".join(f"<p>Paragraphe {n} de la leçon.</p>" for n in range(80))
    lesson = lesson_with(fr, text=long_text)
    other_lesson = lesson_with(ar, text=long_text)
    user = common.UserFactory(username="h5p.learner")
    enrol(user, lesson)
    enrol(user, other_lesson)
    context, page = browser_page
    sign_in(context, client, live_server, user)

    page.goto(live_server.url + lesson.url)
    holder = page.locator(f"#h5p-demo-registry-{lesson.pk}")
    page.wait_for_load_state("load")
    # Lazy: below the fold, nothing is framed yet; the placeholder is a real button.
    assert holder.locator("iframe").count() == 0
    assert holder.get_by_role("button").count() == 1
    holder.scroll_into_view_if_needed()
    iframe = holder.locator("iframe")
    iframe.wait_for()
    # The frame is titled in the page's language and sandboxed without allow-same-origin.
    assert iframe.get_attribute("title") == f"Activité interactive\u00a0: {fr.title}"
    assert "allow-same-origin" not in iframe.get_attribute("sandbox")
    frame = page.frame_locator(f"#h5p-demo-registry-{lesson.pk} iframe")
    frame.get_by_text("Un récépissé portant le numéro d'ordre").click()
    with page.expect_response(lambda r: "/api/xapi/statements" in r.url) as xapi:
        frame.get_by_role("button", name="Vérifier").click()
    assert xapi.value.status in (200, 204), xapi.value.text()
    frame.get_by_text("Bonne réponse !").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "h5p-sandboxed-player-fr.png"))

    result = H5PResult.objects.get(user=user, activity=fr)
    assert result.score_raw == 1 and result.score_max == 1 and result.success is True
    assert result.client_reported and result.lesson_id == lesson.pk
    progress = LessonProgress.objects.get(enrollment__user=user, lesson=lesson)
    assert progress.best_score == 100

    # Leaving the page saves the resume state at once (not only every 30 s)...
    assert not H5PContentUserData.objects.filter(user=user, activity=fr).exists()
    # (Waited for through the browser: in-memory SQLite refuses a write while another
    # thread reads, so the database is not polled meanwhile.)
    with page.expect_response(
        lambda r: "/h5p/user-data/" in r.url and r.request.method == "POST"
    ) as saved:
        page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    assert saved.value.status == 200, saved.value.text()
    page.goto(live_server.url + other_lesson.url)
    saved = H5PContentUserData.objects.get(user=user, activity=fr).data
    assert json.loads(saved)["checked"] is True, saved
    # ... and it is restored on the next visit.
    page.goto(live_server.url + lesson.url)
    page.locator(f"#h5p-demo-registry-{lesson.pk}").scroll_into_view_if_needed()
    page.frame_locator(f"#h5p-demo-registry-{lesson.pk} iframe").get_by_text(
        "Bonne réponse !"
    ).wait_for()

    # An Arabic activity is right-to-left, even on a French page.
    page.goto(live_server.url + other_lesson.url)
    page.wait_for_load_state("networkidle")  # in-memory SQLite: one writer at a time
    page.locator(f"#h5p-demo-registry-ar-{other_lesson.pk}").scroll_into_view_if_needed()
    ar_frame = page.frame_locator(f"#h5p-demo-registry-ar-{other_lesson.pk} iframe")
    ar_frame.get_by_text("وصلا يحمل الرقم الترتيبي").wait_for()
    assert ar_frame.locator("html").get_attribute("dir") == "rtl"
    page.screenshot(path=str(SHOTS / "h5p-sandboxed-player-ar-activity.png"))
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_keyboard_reaches_the_activity_and_starts_it(live_server, browser_page, client):
    activity = demo_activity("demo-registry")
    long_text = "".join(f"<p>Paragraphe {n}.</p>" for n in range(80))
    lesson = lesson_with(activity, text=long_text)
    user = common.UserFactory()
    enrol(user, lesson)
    context, page = browser_page
    sign_in(context, client, live_server, user)
    page.goto(live_server.url + lesson.url)
    page.wait_for_load_state("networkidle")
    holder = f"#h5p-demo-registry-{lesson.pk}"
    assert page.locator(f"{holder} iframe").count() == 0
    reached = None
    for _n in range(60):
        page.keyboard.press("Tab")
        reached = page.evaluate(
            f"() => {{ var a = document.activeElement; return a && a.closest('{holder}') ? a.tagName : null; }}"
        )
        if reached:
            break
    # Tab reaches the activity: its button, or the player it turned into when scrolled to.
    assert reached in ("BUTTON", "IFRAME"), "Tab never reached the H5P activity"
    if reached == "BUTTON":
        page.keyboard.press("Enter")
    iframe = page.locator(f"{holder} iframe")
    iframe.wait_for()
    assert iframe.evaluate("f => document.activeElement === f")
    page.frame_locator(f"#h5p-demo-registry-{lesson.pk} iframe").get_by_text(
        "Un récépissé portant le numéro d'ordre"
    ).wait_for()


PROBE_JS = """async (adminUrl) => {
  const out = {};
  try { out.cookie = document.cookie; } catch (e) { out.cookie = "blocked:" + e.name; }
  try { out.parent = window.parent.document.title; } catch (e) { out.parent = "blocked:" + e.name; }
  try { out.storage = String(window.localStorage.getItem("platform-secret")); } catch (e) { out.storage = "blocked:" + e.name; }
  try {
    const r = await fetch(adminUrl, { credentials: "include" });
    out.admin = r.status + ":" + (await r.text()).slice(0, 200);
  } catch (e) { out.admin = "blocked:" + e.name; }
  out.library = typeof window.H5P.AcademieQuestion;
  return out;
}"""


def test_library_script_cannot_act_as_the_admin_who_plays_it(live_server, browser_page, client):
    """Whatever a library runs in the player frame (here: run in that frame's context, where
    the library's own code runs) has an opaque origin: no session cookie, no access to the
    lesson page or the platform's storage, and its requests carry no admin session."""
    activity = demo_activity("demo-registry")
    lesson = lesson_with(activity, text="".join(f"<p>P {n}</p>" for n in range(80)))
    admin = common.UserFactory(is_superuser=True, is_staff=True, username="the.admin")
    context, page = browser_page
    sign_in(context, client, live_server, admin)
    page.goto(live_server.url + lesson.url)
    page.wait_for_load_state("networkidle")  # in-memory SQLite: one writer at a time
    assert "sessionid" in {c["name"] for c in context.cookies()}
    page.evaluate("localStorage.setItem('platform-secret', 'x')")
    page.locator(f"#h5p-demo-registry-{lesson.pk} [data-h5p-start]").dispatch_event("click")
    holder = page.frame_locator(f"#h5p-demo-registry-{lesson.pk} iframe")
    holder.get_by_text("Un récépissé portant le numéro d'ordre").wait_for()
    frame = page.locator(f"#h5p-demo-registry-{lesson.pk} iframe").element_handle().content_frame()
    report = frame.evaluate(PROBE_JS, live_server.url + "/admin/users/")
    assert report["library"] == "function"  # the library's code runs here
    assert report["cookie"].startswith("blocked:"), report["cookie"]
    assert report["parent"].startswith("blocked:")
    assert report["storage"] in ("null", "blocked:SecurityError")  # not the platform's
    # Cross-origin from the sandbox: the answer cannot be read, and no session went with it.
    assert report["admin"].startswith("blocked:"), report["admin"]
    page.wait_for_load_state("networkidle")
    assert H5PPlay.objects.filter(user=admin, activity=activity, lesson=lesson).exists()
