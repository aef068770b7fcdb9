"""Django settings for Académie, for both profiles.

All environment-dependent values come from ``academy.settings.env.Env``.
The embedded profile (no DATABASE_URL) uses SQLite, eager Celery tasks, local
media and console email; the production profile uses PostgreSQL and Redis.
"""

from pathlib import Path

import dj_database_url

from .env import BASE_DIR, Env, s3_storages
from .security import production_security_settings

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
    "academy.audit",
    "courses",
    "courses.h5p",
    "learners",
    "certificates",
    "hr",
    "diagnostic",
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
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "academy.core.middleware.SharedSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "academy.accounts.middleware.SessionExpiryMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the sign-in page's message
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and addresses
    "academy.accounts.backends.UsernameOrMatriculeBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "learners:dashboard"
LOGOUT_REDIRECT_URL = "root"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},  # ASVS L2
    },
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
if ENV.s3_storage:
    # Several web servers share one S3-compatible bucket (academy.settings.env.s3_storages).
    STORAGES.update(s3_storages(ENV.s3_storage))

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
# Background jobs (academy.core.jobs): a RUNNING job whose last sign of life is older than
# this many seconds is taken to have lost its worker, and a redelivered task may reclaim it.
JOBS_STALE_AFTER = 15 * 60

CELERY_BEAT_SCHEDULE = {
    "certificates-missing": {
        "task": "certificates.tasks.certificates_missing_issue_task",
        "schedule": 10 * 60,
    },
    "certificates-renewal-reminders": {
        "task": "certificates.tasks.certificate_renewal_reminders_task",
        "schedule": 6 * 60 * 60,
    },
    "hr-stats-snapshot": {"task": "hr.tasks.stats_snapshot_refresh_task", "schedule": 10 * 60},
    "hr-export-files-purge": {"task": "hr.tasks.export_files_purge_task", "schedule": 60 * 60},
    # Training campaigns: audiences in step every night (changes are also synced as they
    # happen), reminders and overdue digests (each sent once: hr.CampaignNotice).
    "hr-campaigns-sync": {"task": "hr.tasks.campaigns_sync_task", "schedule": 24 * 60 * 60},
    "hr-campaign-reminders": {
        "task": "hr.tasks.campaign_reminders_task",
        "schedule": 6 * 60 * 60,
    },
    "hr-campaign-digests": {"task": "hr.tasks.campaign_digests_task", "schedule": 6 * 60 * 60},
    "inactivity-reminders": {
        "task": "learners.tasks.send_inactivity_reminders",
        "schedule": 6 * 60 * 60,
    },
    "accounts-retention-flags": {
        "task": "academy.accounts.tasks.inactive_accounts_flag_task",
        "schedule": 24 * 60 * 60,
    },
}

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Académie"
# No request to outside services: admin avatars are Wagtail's local default, not Gravatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# ... nor to releases.wagtail.org from the admin dashboard (upgrade notice).
WAGTAIL_ENABLE_UPDATE_CHECK = False
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
# academy/settings/security.py: Secure cookies and HSTS even when a proxy does the redirect.
if ENV.is_production:
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "simple"
globals().update(production_security_settings(ENV))

# --- Security hardening: sign-in, sessions, rate limits, personal data (issue 12) ---
# Argon2 first (argon2-cffi); the others still check older hashes, upgraded at next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Reverse proxies in front of the app whose X-Forwarded-For entry is believed (academy.core.net).
TRUSTED_PROXY_COUNT = ENV.trusted_proxy_count
# Login throttling (django-axes): locked by account OR by client address after this many
# failures, for the cool-off period; admins unlock in the Wagtail admin (Settings → Sign-in
# lockouts). Matricule or username both count against the same account.
AXES_FAILURE_LIMIT = ENV.login_failure_limit
AXES_COOLOFF_TIME = ENV.login_cooloff_minutes / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "academy.core.net.client_ip"
AXES_USERNAME_CALLABLE = "academy.accounts.backends.canonical_login_name"
AXES_LOCKOUT_CALLABLE = "academy.accounts.views.login_locked_out"
AXES_ENABLE_ADMIN = False  # the Django admin is not mounted; see academy.accounts.viewsets
AXES_VERBOSE = False
# Sessions: idle timeout by role, and an absolute maximum age (academy.accounts.middleware).
SESSION_IDLE_TIMEOUT_STAFF = ENV.session_idle_staff_minutes * 60
SESSION_IDLE_TIMEOUT_LEARNER = ENV.session_idle_learner_minutes * 60
SESSION_MAX_AGE = ENV.session_max_age_hours * 3600
SESSION_COOKIE_AGE = SESSION_MAX_AGE
# Sessions read from the cache (Redis in production), written through to the database:
# no session query on a page view, and nothing lost when the cache is flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Rate limits (django-ratelimit) on the public certificate verification, per client address.
RATELIMIT_IP_META_KEY = "academy.core.net.client_ip"
CERTIFICATE_VERIFY_RATE = "60/m"  # lookups and verify pages
CERTIFICATE_VERIFY_UPLOAD_RATE = "10/10m"  # PDF uploads
# The public verify page shows name, course, date and status; True adds the matricule, score
# and unit chain.
CERTIFICATE_VERIFY_PUBLIC_DETAILS = ENV.verify_public_details
# Bad input is a 400: JSON nested too deeply is refused by the parser (not a RecursionError).
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "academy.core.parsers.SafeJSONParser",
    "rest_framework.parsers.FormParser",
    "rest_framework.parsers.MultiPartParser",
]
# Law 09-08: accounts without activity for this many days are flagged for review.
ACCOUNT_RETENTION_DAYS = ENV.account_retention_days
# Antivirus scan of every upload (academy.core.antivirus): the dummy backend refuses only the
# EICAR test file; clamd (INSTREAM) when ANTIVIRUS_CLAMD_SOCKET or ANTIVIRUS_CLAMD_HOST is set.
# A clamd that does not answer refuses the upload.
ANTIVIRUS_BACKEND = ENV.antivirus_backend
ANTIVIRUS_CLAMD_SOCKET = ENV.antivirus_clamd_socket
ANTIVIRUS_CLAMD_HOST = ENV.antivirus_clamd_host
ANTIVIRUS_CLAMD_PORT = ENV.antivirus_clamd_port
ANTIVIRUS_TIMEOUT = ENV.antivirus_timeout  # seconds

# --- Content-Security-Policy and Permissions-Policy (h4: H5P isolation) ------------
# Every response in production carries both. The H5P player page and its files set their
# own, stricter policy (``sandbox``: courses.h5p.views). No inline script anywhere: scripts
# come from this site; inline styles stay allowed (Wagtail's admin and a few templates).
# Wagtail's admin (staff only) may also run Wagtail's own inline scripts
# (academy.core.csp). No outside requests: Wagtail's upgrade check is off.
WAGTAIL_ENABLE_UPDATE_CHECK = False
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "academy.core.csp.AcademieCSPMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("academy.core.csp.AcademieCSPMiddleware") + 1,
    "django_permissions_policy.PermissionsPolicyMiddleware",
)
ACADEMIE_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        # The H5P player (sandboxed) and Wagtail's live preview are frames of this site.
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
CONTENT_SECURITY_POLICY = ACADEMIE_CSP if ENV.is_production else None
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
}
# --- end of the CSP / Permissions-Policy block -----------------------------------

for _dir in (ENV.data_dir, ENV.static_root):
    Path(_dir).mkdir(parents=True, exist_ok=True)
