"""Test profile: tasks eager, outside services dummy, fast hashing.

With DATABASE_URL and REDIS_URL set (CI's production pass) the same suite runs
against PostgreSQL and Redis; tasks stay eager except in the tests that start a
real Celery worker (marked ``production``).
"""

from .base import *  # noqa: F401,F403
from .base import ACADEMIE_SIGNING, ENV

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
# Tests sign with the local demo CA whatever the environment configures (outside services dummy).
ACADEMIE_SIGNING = {
    **ACADEMIE_SIGNING,
    "PKCS12_PATH": None,
    "PKCS12_PASSWORD": None,
    "KEY_PATH": None,
    "CERT_PATH": None,
    "CHAIN_PATHS": [],
    "TIMESTAMP_URL": None,
    "DEMO_DIR": ENV.data_dir / "test-signing",
}
WAGTAILADMIN_BASE_URL = "http://testserver"
