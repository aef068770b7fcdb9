"""Journeys in Chromium over the real demo (``seed_demo``), seeded once per session.

pytest-django's ``live_server`` makes every test transactional (the database is flushed after
each test), which would take the demo away: the journeys share their own live server thread
instead, over the committed demo (``tests.demo_seed.demo_committed``).
Every browser context is closed at the end of its test, so no page keeps sending requests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.demo_seed import DEMO_PASSWORD, demo_committed  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
JOURNEY_SHOTS = ROOT / "var" / "screenshots" / "journeys"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def demo_server(demo_committed, django_db_blocker):  # noqa: F811
    """A live server over the committed demo, for the whole session."""
    from pytest_django.live_server_helper import LiveServer

    from tests.conftest import _LiveServerGate

    with django_db_blocker.unblock():
        server = LiveServer("localhost")
        # One request at a time: the server's threads share one SQLite connection.
        _LiveServerGate.of(server).open()
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()


@pytest.fixture
def demo_db(demo_server, django_db_blocker):
    """Database access from the test body (the rows the server commits are visible)."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def open_context(browser):
    """Opens browser contexts (one per language or user); all are closed after the test."""
    contexts = []

    def open_(language, **options):
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            locale="ar-MA" if language == "ar" else "fr-FR",
            extra_http_headers={"Accept-Language": language},
            **options,
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        return context

    yield open_
    for context in contexts:
        for page in context.pages:
            page.close(run_before_unload=False)
        context.close()


def shoot(page, journey, language, step):
    JOURNEY_SHOTS.mkdir(parents=True, exist_ok=True)
    path = JOURNEY_SHOTS / f"{journey}-{language}-{step}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, base_url, language, username, password=DEMO_PASSWORD):
    page.goto(f"{base_url}/{language}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form:has(input[name=password]) button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def axe_violations(page, frame=None, impacts=("serious", "critical")):
    """axe-core (npm) run in the page (or one of its frames): the serious and critical
    violations, as readable lines."""
    target = frame or page.main_frame
    target.evaluate(AXE.read_text(encoding="utf-8"))
    result = target.evaluate(
        "async () => { const r = await axe.run(document, {iframes: false, resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
    )
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) {json.dumps(v['nodes'], ensure_ascii=False)}"
        for v in result
        if v["impact"] in impacts
    ]
