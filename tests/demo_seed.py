"""The real demo (``manage.py seed_demo``) installed once per test session.

Seeding takes tens of seconds, so the tests that need the whole demo share one install:
``demo_committed`` (session scope) seeds committed rows, exactly as ``make demo`` leaves them
(the work queued on commit done: certificates, translations), visible to a live server whose
thread has its own connection (PostgreSQL); when the session ends the database is flushed and
what the migrations had left is put back (as Django's serialized rollback does). Seeding inside a transaction that is rolled back would not be
faithful: what runs on commit would never run.

The tests that use it take no ``db`` fixture (they would be wrapped in a transaction) but
unblock the database themselves: pytest-django orders them last, after the transactional
tests, among the tests that do not use the database, so the demo disturbs no other test.
Import the fixture into the test module or a ``conftest.py`` (each place that imports it
installs the demo once; the installer is idempotent). Private files (H5P
packages, certificates, exports) and media go to a throw-away folder.
"""

from __future__ import annotations

from io import StringIO

import pytest

DEMO_PASSWORD = "academie-demo-2026"
ROLES = (
    "learner.berkane",
    "trainer",
    "reviewer",
    "hr.berkane",
    "hr.oriental",
    "hr.national",
    "admin",
)


def _demo_settings(tmp_dir):
    from django.conf import settings
    from django.test import override_settings

    from tests.conftest import PDF_SIGNER

    return override_settings(
        # The journeys download the demo's certificates and check their signature.
        ACADEMIE_SIGNING={**settings.ACADEMIE_SIGNING, "BACKEND": PDF_SIGNER},
        MEDIA_ROOT=str(tmp_dir / "media"),
        STORAGES={
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_dir / "media"), "base_url": "/media/"},
            },
            "private": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_dir / "private"), "base_url": None},
            },
        },
    )


def wagtail_base_rows():
    """The rows Wagtail's migrations create (a flush takes them away)."""
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
    # wagtail-localize creates its "submit translations" right in a data migration.
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    translation_type, _ = ContentType.objects.get_or_create(
        app_label="wagtail_localize", model="translation"
    )
    Permission.objects.get_or_create(
        content_type=translation_type,
        codename="submit_translation",
        defaults={"name": "Can submit translations"},
    )


def seed_demo():
    """Runs ``manage.py seed_demo``, in a thread of its own: Playwright's sync API keeps an
    event loop running in the test thread, where pyHanko (signing the demo certificates) cannot
    start its own. The thread uses the test thread's connection (as Django's live server does),
    so it writes to the test database, in-memory SQLite included."""
    import threading

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections
    from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY

    from academy.celery import app

    # The demo is complete only when what it queues on commit runs (H5P extraction,
    # certificates, translations): here, eagerly, as no worker serves these tests.
    assert app.conf.task_always_eager, "tasks are not eager: the demo would stay half-built"
    wagtail_base_rows()
    out, errors = StringIO(), []
    connection = connections["default"]

    def run():
        connections["default"] = connection
        try:
            call_command("seed_demo", stdout=out)
        except BaseException as error:  # re-raised in the test thread
            errors.append(error)

    connection.inc_thread_sharing()
    try:
        thread = threading.Thread(target=run, name="seed_demo")
        thread.start()
        thread.join()
    finally:
        connection.dec_thread_sharing()
    if errors:
        raise errors[0]
    cache.delete(SITE_ROOT_PATHS_CACHE_KEY)
    output = out.getvalue()
    # A step that finds its prerequisites missing says "skipped": the demo would be partial.
    assert "skipped" not in output, output
    return output


def _test_database(django_db_blocker):
    """pytest-django creates the test database only when a collected test asks for ``db``:
    these tests do not (they must not be wrapped in a transaction), so when they run alone the
    test database is created here. Never seed the database of the settings."""
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    test_name = connection.creation._get_test_db_name()
    if connection.settings_dict["NAME"] == test_name:
        return None
    with django_db_blocker.unblock():
        created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    assert connection.settings_dict["NAME"] == test_name

    def teardown():
        # The live server's request threads may still hold a connection (PostgreSQL then
        # refuses to drop the database "being accessed by other users").
        if connection.vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> pg_backend_pid()",
                    [test_name],
                )
        teardown_databases(created, verbosity=0)

    return teardown


@pytest.fixture(scope="session")
def demo_committed(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.db import connection

    teardown = _test_database(django_db_blocker)
    with django_db_blocker.unblock(), _demo_settings(tmp_path_factory.mktemp("demo")):
        # What migrations left (Wagtail's root, locales, workflow, groups), put back afterwards.
        before = connection.creation.serialize_db_to_string()
        try:
            yield seed_demo()
        finally:
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            connection.creation.deserialize_db_from_string(before)
    if teardown is not None:
        with django_db_blocker.unblock():  # the session's blocker is back in place here
            teardown()
