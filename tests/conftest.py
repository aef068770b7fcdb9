import os
import shutil
from pathlib import Path

import pytest

from tests import factories


@pytest.fixture
def small_tree(db):
    """Two regions, each with a province and two communes: enough to test scope."""
    r1 = factories.region(name_fr="Oriental", name_ar="الشرق")
    p1 = factories.province(r1, name_fr="Berkane", name_ar="بركان")
    c1 = factories.commune(p1, name_fr="Berkane", name_ar="بركان", kind="urban")
    c2 = factories.commune(p1, name_fr="Aklim", name_ar="أكليم")
    r2 = factories.region(name_fr="Souss-Massa", name_ar="سوس ماسة")
    p2 = factories.province(r2, name_fr="Tiznit", name_ar="تيزنيت")
    c3 = factories.commune(p2, name_fr="Tiznit", name_ar="تيزنيت", kind="urban")
    c4 = factories.commune(p2, name_fr="Aglou", name_ar="أكلو")
    for unit in (r1, p1, c1, c2, r2, p2, c3, c4):
        unit.refresh_from_db()
    return {"r1": r1, "p1": p1, "c1": c1, "c2": c2, "r2": r2, "p2": p2, "c3": c3, "c4": c4}


@pytest.fixture
def production_services():
    """Skips unless the production profile's services are configured (CI's second pass)."""
    if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
        pytest.skip("needs DATABASE_URL and REDIS_URL (production profile pass)")


@pytest.fixture(autouse=True)
def _fresh_site_root_paths():
    """Rolled-back tests leave Wagtail's cached site root paths behind (the cache is not
    transactional, and with Redis it outlives the process): each test computes its own."""
    from django.core.cache import cache
    from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY

    cache.delete(SITE_ROOT_PATHS_CACHE_KEY)


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests leave their language active in the thread: start every test in French."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture
def live_celery_worker(production_services, settings, transactional_db):
    """A real Celery worker consuming from Redis (production pass only).

    Tasks are no longer eager: ``.delay_on_commit()`` sends them through the broker and the
    worker (a thread of this process, with its own database connection) runs them. Use with
    ``@pytest.mark.django_db(transaction=True)`` so that the worker sees committed rows.
    """
    from celery.contrib.testing.worker import start_worker

    from academy.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
            yield worker
    finally:
        app.conf.task_always_eager = previous


def wait_for(predicate, timeout=30.0, interval=0.1):
    """Poll until ``predicate()`` is truthy (for results produced by the live worker)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


@pytest.fixture(autouse=True)
def _wagtail_tree_after_flush(request):
    """Transactional tests flush the database, taking the rows that migrations created
    (Wagtail's root page and root collection, the default locale and site) with them.
    Put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page, Site

    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if not Page.objects.filter(depth=1).exists():
        root = Page.add_root(title="Root", slug="root", locale=Locale.get_default())
        Site.objects.get_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": root}
        )


@pytest.fixture
def private_storage(settings, tmp_path):
    """Private files (H5P packages, certificates, exports) in a throw-away folder.

    Django's ``setting_changed`` handler drops the cached storage instances itself.
    """
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    return location


# --- Real browser: Debian's Chromium driven by Playwright (no browser download) ---------------
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "var" / "screenshots"

@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI: apt-get install chromium")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread: Django must allow
    # ORM calls from the test body meanwhile. One browser per test process, shared.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
