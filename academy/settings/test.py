"""Test profile: tasks eager, outside services dummy, fast hashing.

With DATABASE_URL and REDIS_URL set (CI's production pass) the same suite runs
against PostgreSQL and Redis; tasks stay eager except in the tests that start a
real Celery worker (marked ``production``).
"""

import os

from .base import *  # noqa: F401,F403
from .base import ACADEMIE_SIGNING, CACHES, ENV

# Parallel test workers (pytest-xdist) each have their own database: with Redis, each also
# gets its own cache keys and Celery queue, so that one never reads the other's rows.
TEST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": f"academie-test-{TEST_WORKER}"}}
CELERY_TASK_DEFAULT_QUEUE = f"academie-test-{TEST_WORKER}"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests do not sign (outside services dummy): the tests of signatures themselves, and the demo
# the journeys download and verify, ask for the real signer with the local demo CA (fixture
# ``pdf_signer``), whatever the environment configures.
ACADEMIE_SIGNING = {
    **ACADEMIE_SIGNING,
    "BACKEND": "certificates.signing.backends.dummy.DummyBackend",
    "PKCS12_PATH": None,
    "PKCS12_PASSWORD": None,
    "KEY_PATH": None,
    "CERT_PATH": None,
    "CHAIN_PATHS": [],
    "TIMESTAMP_URL": None,
    "DEMO_DIR": ENV.data_dir / "test-signing",
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests scan with the dummy antivirus (EICAR only) whatever the environment configures.
ANTIVIRUS_BACKEND = "academy.core.antivirus.DummyBackend"
