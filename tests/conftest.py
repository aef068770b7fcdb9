import os

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
    (Wagtail's root page, the default locale and site) with them. Put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.conf import settings
    from wagtail.models import Locale, Page, Site

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if not Page.objects.filter(depth=1).exists():
        root = Page.add_root(title="Root", slug="root", locale=Locale.get_default())
        Site.objects.get_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": root}
        )
