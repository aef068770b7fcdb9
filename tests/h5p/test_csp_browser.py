"""The production Content-Security-Policy and Permissions-Policy: on every response, and the
site, the H5P player and Wagtail's admin still work under them (Chromium reports no
violation)."""

import pytest
from django.conf import settings as django_settings

from tests import factories as common
from tests.h5p.factories import lesson_with
from tests.h5p.test_browser import demo_activity, enrol, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def production_csp(settings):
    settings.CONTENT_SECURITY_POLICY = django_settings.ACADEMIE_CSP
    return settings


@pytest.fixture
def watched_page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 800}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    yield context, page, violations
    context.close()


def test_every_response_has_the_policies(client, production_csp):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert (
        "'unsafe-inline'"
        not in response["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    assert "camera=()" in response["Permissions-Policy"]


def test_the_player_and_the_admin_work_under_the_policy(
    live_server, watched_page, client, production_csp
):
    production_csp.H5P = {"MIN_SECONDS_BEFORE_RESULT": 0}
    activity = demo_activity("demo-registry")
    lesson = lesson_with(activity, text="".join(f"<p>P {n}</p>" for n in range(80)))
    admin = common.UserFactory(is_superuser=True, is_staff=True)
    enrol(admin, lesson)
    context, page, violations = watched_page
    sign_in(context, client, live_server, admin)

    page.goto(live_server.url + lesson.url)
    page.wait_for_load_state("networkidle")  # in-memory SQLite: one writer at a time
    page.locator(f"#h5p-demo-registry-{lesson.pk} [data-h5p-start]").dispatch_event("click")
    frame = page.frame_locator(f"#h5p-demo-registry-{lesson.pk} iframe")
    frame.get_by_text("Un récépissé portant le numéro d'ordre").click()
    with page.expect_response(lambda r: "/api/xapi/statements" in r.url) as xapi:
        frame.get_by_role("button", name="Vérifier").click()
    assert xapi.value.status in (200, 204)
    frame.get_by_text("Bonne réponse !").wait_for()

    for path in ("/admin/", f"/admin/pages/{lesson.pk}/edit/", "/admin/snippets/h5p/h5pactivity/"):
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    # The page editor's scripts ran: its StreamField (a JS widget) is drawn.
    page.goto(live_server.url + f"/admin/pages/{lesson.pk}/edit/")
    page.locator("[data-streamfield-stream-container], .w-panel").first.wait_for()
    # Outside avatars (Gravatar) are meant to be blocked: the platform makes no outside requests.
    violations = [v for v in violations if "gravatar.com" not in v]
    assert violations == [], "\n".join(sorted(set(violations)))


def test_inline_scripts_are_refused_outside_the_admin(client, production_csp):
    site = client.get("/")["Content-Security-Policy"]
    admin = client.get("/admin/login/")["Content-Security-Policy"]
    script_src = site.split("script-src")[1].split(";")[0]
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-inline'" in admin.split("script-src")[1].split(";")[0]
