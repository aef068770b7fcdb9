"""Django settings for Académie, for both profiles.

All environment-dependent values come from ``academy.settings.env.Env``.
The embedded profile (no DATABASE_URL) uses SQLite, eager Celery tasks, local
media and console email; the production profile uses PostgreSQL and Redis.
"""

from pathlib import Path

import dj_database_url

from .env import BASE_DIR, Env

ENV = Env.from_environ()

PROFILE = ENV.profile
DEBUG = ENV.debug
SECRET_KEY = ENV.secret_key
ALLOWED_HOSTS = ENV.allowed_hosts
CSRF_TRUSTED_ORIGINS = ENV.csrf_trusted_origins
SITE_URL = ENV.site_url

INSTALLED_APPS = [
    # project
    "academy.territories",
    "academy.accounts",
    "academy.core",
    "courses",
    "courses.h5p",
    "learners",
    "certificates",
    "hr",
    # wagtail
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "academy.accounts.apps.AcademyUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    # django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "academy.urls"
WSGI_APPLICATION = "academy.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "academy.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
if ENV.database_url:
    DATABASES = {"default": dj_database_url.parse(ENV.database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": ENV.data_dir / "academie.sqlite3",
            "OPTIONS": {
                # WAL lets the dev server read while a task writes.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------
if ENV.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ENV.redis_url,
            "KEY_PREFIX": "academie",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["academy.accounts.backends.UsernameOrMatriculeBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "learners:dashboard"
LOGOUT_REDIRECT_URL = "root"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("ar", "العربية")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "academie_language"

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = ENV.static_root
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = ENV.media_root
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if ENV.is_production
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
    # Private files (H5P packages, certificates, exports) never go under MEDIA_URL.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(ENV.data_dir / "private"), "base_url": None},
    },
}
# Front-end packages installed by npm (h5p-standalone, fonts) are served as static files.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------
EMAIL_BACKEND = ENV.email_backend
EMAIL_HOST = ENV.email_host
EMAIL_PORT = ENV.email_port
EMAIL_USE_TLS = ENV.email_use_tls
DEFAULT_FROM_EMAIL = ENV.default_from_email

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = ENV.redis_url or "memory://"
CELERY_RESULT_BACKEND = ENV.redis_url or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not ENV.redis_url
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "hr-stats-snapshot": {"task": "hr.tasks.stats_snapshot_refresh_task", "schedule": 10 * 60},
    "hr-export-files-purge": {"task": "hr.tasks.export_files_purge_task", "schedule": 60 * 60},
    "inactivity-reminders": {
        "task": "learners.tasks.send_inactivity_reminders",
        "schedule": 6 * 60 * 60,
    },
}

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Académie"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "ods", "docx", "xlsx", "pptx", "csv", "txt", "zip"]
# Lesson videos are uploaded as documents with their WebVTT captions (courses.blocks.VideoBlock).
WAGTAILDOCS_EXTENSIONS += ["mp4", "webm", "vtt"]
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": "simple",
    }
}
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# --- REST framework -----------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

# --- H5P (courses.h5p) ----------------------------------------------------------
# Limits on uploaded .h5p packages and saved resume state: defaults in
# courses.h5p.selectors.H5P_DEFAULTS; a ``H5P = {...}`` dict here overrides any of them.
# The h5p-standalone player (npm, package-lock.json) is served as static files.
STATICFILES_DIRS += [("h5p-standalone", NODE_MODULES_DIR / "h5p-standalone" / "dist")]

# --- Project ------------------------------------------------------------------
ACADEMIE_DATA_DIR = ENV.data_dir
ACADEMIE_SIGNING = {
    "BACKEND": ENV.signing_backend,
    "PKCS12_PATH": ENV.signing_pkcs12_path,
    "PKCS12_PASSWORD": ENV.signing_pkcs12_password,
    "KEY_PATH": ENV.signing_key_path,
    "CERT_PATH": ENV.signing_cert_path,
    "CHAIN_PATHS": ENV.signing_chain_paths,
    "TIMESTAMP_URL": ENV.timestamp_url,
    # Embedded profile: a local demo CA is created here on first use.
    "DEMO_DIR": ENV.data_dir / "demo-signing",
}
ACADEMIE_INACTIVITY_REMINDER_DAYS = ENV.inactivity_reminder_days

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO" if ENV.is_production else "WARNING"},
}

# --- Production hardening -----------------------------------------------------
if ENV.is_production:
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "simple"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = ENV.secure_ssl_redirect
    SESSION_COOKIE_SECURE = ENV.secure_ssl_redirect
    CSRF_COOKIE_SECURE = ENV.secure_ssl_redirect
    SECURE_HSTS_SECONDS = 31536000 if ENV.secure_ssl_redirect else 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = ENV.secure_ssl_redirect
    SECURE_HSTS_PRELOAD = ENV.secure_ssl_redirect
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    # Wagtail's live preview and the H5P player frame pages of this same site.
    X_FRAME_OPTIONS = "SAMEORIGIN"
    SILENCED_SYSTEM_CHECKS = ["security.W019"]

for _dir in (ENV.data_dir, ENV.static_root):
    Path(_dir).mkdir(parents=True, exist_ok=True)
