import contextlib
import os
import shutil
import threading
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

    from academy.core.pagecache import VERSION_KEY

    cache.delete(SITE_ROOT_PATHS_CACHE_KEY)
    cache.delete(VERSION_KEY)  # nor the shared copies of the tree (academy.core.pagecache)


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests leave their language active in the thread: start every test in French."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


# Signalled each time the live worker finishes a task (see ``wait_for``).
_worker_task_ended = threading.Condition()


def _on_task_postrun(**kwargs):
    with _worker_task_ended:
        _worker_task_ended.notify_all()


@pytest.fixture
def live_celery_worker(production_services, settings, transactional_db):
    """A real Celery worker consuming from Redis (production pass only).

    Tasks are no longer eager: ``.delay_on_commit()`` sends them through the broker and the
    worker (a thread of this process, with its own database connection) runs them. Use with
    ``@pytest.mark.django_db(transaction=True)`` so that the worker sees committed rows, and
    ``wait_for`` to wait for what its tasks do.
    """
    from academy.celery import app

    with tasks_not_eager(app, settings), celery_worker(app) as worker:
        yield worker


@contextlib.contextmanager
def celery_worker(app):
    """A real Celery worker, a thread of this process with its own database connection,
    consuming from the broker meanwhile (``wait_for`` wakes up each time it ends a task).
    Only with non-eager tasks (``tasks_not_eager``) and a database other threads see
    (PostgreSQL: the production profile)."""
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    task_postrun.connect(_on_task_postrun, weak=False)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        ) as worker:
            yield worker
    finally:
        task_postrun.disconnect(_on_task_postrun)


@contextlib.contextmanager
def tasks_not_eager(app, settings):
    """Tasks go through the broker meanwhile; eager again afterwards.

    The value to restore is read before the setting changes: Celery loads its configuration
    from Django's settings on first access, so reading it after would take False for the value
    to restore, and every later test of the process would queue tasks that nobody runs (the
    demo's H5P packages pending, exports and certificates never made)."""
    previous = app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = previous


def wait_for(predicate, timeout=120.0):
    """``predicate()``'s first truthy value, checked now and again each time the live worker
    finishes a task (its writes are committed by then): no polling, no race with the clock.

    ``timeout`` only stops a test whose worker finished no task at all for that long (a
    worker that died); it never decides a result that the worker would have produced."""
    with _worker_task_ended:
        while True:
            value = predicate()
            if value:
                return value
            if not _worker_task_ended.wait(timeout):
                raise AssertionError(
                    f"the live worker finished no task for {timeout:.0f} s and the "
                    "condition still does not hold"
                )


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
    from tests.demo_seed import wagtail_base_rows

    wagtail_base_rows()


PDF_SIGNER = "certificates.signing.backends.pyhanko.PyHankoBackend"


@pytest.fixture
def pdf_signer(settings):
    """Certificates signed for real (pyHanko, with the local demo CA), for the tests of
    signatures themselves: every other test uses the dummy backend (academy/settings/test.py)."""
    settings.ACADEMIE_SIGNING = {**settings.ACADEMIE_SIGNING, "BACKEND": PDF_SIGNER}


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
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
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


class _LiveServerGate:
    """Wraps the live server's WSGI application: counts the requests in progress and,
    once a test is over, answers 503 without touching the database.

    A page can go on sending requests (heartbeats, beacons on unload, a retry) after its
    test ended; served while the test's teardown flushes the database, such a request
    shares the in-memory SQLite connection ("database table is locked") and leaves rows
    behind for the next test. The gate closes before the pages do, then the requests
    already in progress are waited for: nothing reaches the database after that.

    It also serves one request at a time: the live server's threads share the test's one
    in-memory SQLite connection, and two requests at once on it (a draft saved while the
    answers are submitted) fail with "cannot start a transaction within a transaction"."""

    def __init__(self, app):
        self.app = app
        self.accepting = True
        self.busy = 0
        self.idle = threading.Condition()
        self.one_at_a_time = threading.Lock()

    def __call__(self, environ, start_response):
        with self.idle:
            if not self.accepting:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The test is over."]
            self.busy += 1
        try:
            # The whole response is produced (and closed: request_finished) here, so that
            # "not busy" means no database work in progress.
            with self.one_at_a_time:
                response = self.app(environ, start_response)
                try:
                    body = [bytes(chunk) for chunk in response]
                finally:
                    if hasattr(response, "close"):
                        response.close()
            return body
        finally:
            with self.idle:
                self.busy -= 1
                self.idle.notify_all()

    def open(self):
        with self.idle:
            self.accepting = True

    def close_and_drain(self, timeout=60.0):
        with self.idle:
            self.accepting = False
            if not self.idle.wait_for(lambda: self.busy == 0, timeout=timeout):
                raise RuntimeError(f"{self.busy} live-server request(s) still running")

    @classmethod
    def of(cls, live_server):
        httpd = live_server.thread.httpd
        app = httpd.get_app()
        if not isinstance(app, cls):
            app = cls(app)
            httpd.set_app(app)
        return app


@pytest.fixture(autouse=True)
def _live_server_quiet_at_teardown(request):
    """For tests that use the live server: once the test is over (and before the database
    is flushed), refuse new requests, close the pages still open and wait for the
    requests in progress. Set up after ``transactional_db``, so torn down before it;
    set up before the test's own ``page`` fixtures, so torn down after them."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    gate = _LiveServerGate.of(request.getfixturevalue("live_server"))
    gate.open()
    yield
    with gate.idle:
        gate.accepting = False  # first: nothing new while the pages close
    if "browser" in request.fixturenames:
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
    gate.close_and_drain()


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
