"""The one typed source of configuration read from the environment.

Every setting that may differ between a laptop and production is read here, once,
and nowhere else. ``Env.from_environ()`` never reads files or talks to services.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEFAULT_PORT = "8000"
TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def _s3_storage(environ: Mapping[str, str]) -> dict | None:
    """The S3-compatible storage shared by every web server, from ``MEDIA_STORAGE_URL``
    (``s3://KEY:SECRET@BUCKET/PREFIX?endpoint_url=https://host:port&region=REGION``) or the
    usual ``AWS_STORAGE_BUCKET_NAME``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
    ``AWS_S3_ENDPOINT_URL``, ``AWS_S3_REGION_NAME``, ``AWS_LOCATION`` variables. None when
    neither is set: files stay on the local disk."""
    from urllib.parse import parse_qs, unquote, urlsplit

    url = environ.get("MEDIA_STORAGE_URL", "").strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.hostname:
            raise ImproperlyConfigured(
                "MEDIA_STORAGE_URL must look like s3://KEY:SECRET@BUCKET/PREFIX?endpoint_url=..."
            )
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        options = {
            "bucket_name": parts.hostname,
            "access_key": unquote(parts.username or "") or None,
            "secret_key": unquote(parts.password or "") or None,
            "endpoint_url": query.get("endpoint_url") or None,
            "region_name": query.get("region") or None,
            "prefix": parts.path.strip("/"),
        }
    elif environ.get("AWS_STORAGE_BUCKET_NAME"):
        options = {
            "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
            "access_key": environ.get("AWS_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("AWS_SECRET_ACCESS_KEY") or None,
            "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("AWS_S3_REGION_NAME") or None,
            "prefix": environ.get("AWS_LOCATION", "").strip("/"),
        }
    else:
        return None
    return {key: value for key, value in options.items() if value is not None}


def s3_storages(s3: dict) -> dict:
    """The ``default`` and ``private`` entries of ``STORAGES`` for one S3-compatible bucket
    shared by every web server (``s3``: the options ``_s3_storage`` reads): public media under
    "media/", private files under "private/". Neither is public: the bucket keeps its default
    (private) ACL; media URLs are signed for an hour; private files are never given a URL at
    all, the views stream them after their access check (storage.open)."""
    options = {k: v for k, v in s3.items() if k != "prefix"}
    prefix = s3.get("prefix", "")

    def location(name: str) -> str:
        return f"{prefix}/{name}" if prefix else name

    backend = "storages.backends.s3.S3Storage"
    return {
        "default": {
            "BACKEND": backend,
            "OPTIONS": {
                **options,
                "location": location("media"),
                "querystring_auth": True,
                "querystring_expire": 3600,
                "file_overwrite": False,
            },
        },
        "private": {
            "BACKEND": backend,
            "OPTIONS": {
                **options,
                "location": location("private"),
                "querystring_auth": True,
                "querystring_expire": 300,
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }


def _list(environ: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}


def served_url(host: str | None, port: str | int | None) -> str:
    """The address a browser uses for a server listening on ``host:port``
    (a wildcard address is reached on 127.0.0.1)."""
    host = (host or "").strip()
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{str(port or DEFAULT_PORT).strip()}"


def _site_url(environ: Mapping[str, str]) -> str:
    """SITE_URL when set; otherwise the address the demo serves on (``HOST``/``PORT``, as
    ``make demo PORT=8123`` passes them), so that printed links, QR codes, e-mails and
    xAPI ids name the port actually served."""
    explicit = (environ.get("SITE_URL") or "").strip()
    if explicit:
        return explicit.rstrip("/")
    port = (environ.get("PORT") or "").strip() or DEFAULT_PORT
    if not port.isdigit():
        raise ImproperlyConfigured(f"PORT must be a port number, got {port!r}")
    return served_url(environ.get("HOST"), port)


@dataclass(frozen=True)
class Env:
    """Configuration of one process, from its environment."""

    profile: str  # "embedded" or "production"
    debug: bool
    secret_key: str
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    database_url: str | None
    redis_url: str | None
    data_dir: Path
    media_root: Path
    static_root: Path
    site_url: str  # no trailing slash
    email_backend: str
    email_host: str
    email_port: int
    email_use_tls: bool
    default_from_email: str
    signing_backend: str
    signing_pkcs12_path: str | None
    signing_pkcs12_password: str | None
    signing_key_path: str | None
    signing_cert_path: str | None
    signing_chain_paths: list[str] = field(default_factory=list)
    timestamp_url: str | None = None
    secure_ssl_redirect: bool = True
    inactivity_reminder_days: int = 14
    # --- security hardening (issue 12) ---
    trusted_proxy_count: int = 0
    session_idle_staff_minutes: int = 30
    session_idle_learner_minutes: int = 8 * 60
    session_max_age_hours: int = 12
    login_failure_limit: int = 5
    login_cooloff_minutes: int = 30
    verify_public_details: bool = False
    account_retention_days: int = 3 * 365
    # Antivirus scan of uploads (academy.core.antivirus): dummy unless clamd is configured.
    antivirus_backend: str = "academy.core.antivirus.DummyBackend"
    antivirus_clamd_socket: str | None = None
    antivirus_clamd_host: str | None = None
    antivirus_clamd_port: int = 3310
    antivirus_timeout: int = 30
    # Shared media storage (S3-compatible), for several web servers: None = local disk.
    s3_storage: dict | None = None

    @property
    def is_production(self) -> bool:
        return self.profile == "production"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Env:
        environ = os.environ if environ is None else environ
        database_url = environ.get("DATABASE_URL") or None
        redis_url = environ.get("REDIS_URL") or None
        profile = "production" if database_url else "embedded"
        data_dir = Path(environ.get("ACADEMIE_DATA_DIR") or BASE_DIR / "var")

        secret_key = environ.get("SECRET_KEY", "")
        if profile == "production":
            if not secret_key or len(secret_key) < 32:
                raise ImproperlyConfigured(
                    "The production profile (DATABASE_URL set) needs SECRET_KEY: "
                    "a random string of at least 32 characters."
                )
            if not redis_url:
                raise ImproperlyConfigured(
                    "The production profile (DATABASE_URL set) needs REDIS_URL for Celery and the cache."
                )
        elif not secret_key:
            # Embedded profile only: a fixed, clearly non-secret key for laptops and tests.
            secret_key = "embedded-profile-not-secret-" + "x" * 40

        debug = _bool(environ, "DEBUG", default=profile == "embedded")
        default_hosts = [] if profile == "production" else ["127.0.0.1", "localhost", "[::1]"]
        allowed_hosts = _list(environ, "ALLOWED_HOSTS", default_hosts)
        if profile == "production" and not allowed_hosts:
            raise ImproperlyConfigured(
                "The production profile needs ALLOWED_HOSTS (comma separated)."
            )

        return cls(
            profile=profile,
            debug=debug,
            secret_key=secret_key,
            allowed_hosts=allowed_hosts,
            csrf_trusted_origins=_list(environ, "CSRF_TRUSTED_ORIGINS", []),
            database_url=database_url,
            redis_url=redis_url,
            data_dir=data_dir,
            media_root=Path(environ.get("MEDIA_ROOT") or data_dir / "media"),
            static_root=Path(environ.get("STATIC_ROOT") or data_dir / "static"),
            site_url=_site_url(environ),
            email_backend=environ.get(
                "EMAIL_BACKEND",
                "django.core.mail.backends.smtp.EmailBackend"
                if environ.get("EMAIL_HOST")
                else "django.core.mail.backends.console.EmailBackend",
            ),
            email_host=environ.get("EMAIL_HOST", "localhost"),
            email_port=_int(environ, "EMAIL_PORT", 25),
            email_use_tls=_bool(environ, "EMAIL_USE_TLS", False),
            default_from_email=environ.get(
                "DEFAULT_FROM_EMAIL", "Académie <no-reply@academie.local>"
            ),
            signing_backend=environ.get(
                "SIGNING_BACKEND", "certificates.signing.backends.pyhanko.PyHankoBackend"
            ),
            signing_pkcs12_path=environ.get("SIGNING_PKCS12_PATH") or None,
            signing_pkcs12_password=environ.get("SIGNING_PKCS12_PASSWORD") or None,
            signing_key_path=environ.get("SIGNING_KEY_PATH") or None,
            signing_cert_path=environ.get("SIGNING_CERT_PATH") or None,
            signing_chain_paths=_list(environ, "SIGNING_CHAIN_PATHS", []),
            timestamp_url=environ.get("TIMESTAMP_URL") or None,
            secure_ssl_redirect=_bool(environ, "SECURE_SSL_REDIRECT", True),
            inactivity_reminder_days=_int(environ, "INACTIVITY_REMINDER_DAYS", 14),
            trusted_proxy_count=_int(environ, "TRUSTED_PROXY_COUNT", 0),
            session_idle_staff_minutes=_int(environ, "SESSION_IDLE_STAFF_MINUTES", 30),
            session_idle_learner_minutes=_int(environ, "SESSION_IDLE_LEARNER_MINUTES", 8 * 60),
            session_max_age_hours=_int(environ, "SESSION_MAX_AGE_HOURS", 12),
            s3_storage=_s3_storage(environ),
            login_failure_limit=_int(environ, "LOGIN_FAILURE_LIMIT", 5),
            login_cooloff_minutes=_int(environ, "LOGIN_COOLOFF_MINUTES", 30),
            verify_public_details=_bool(environ, "CERTIFICATE_VERIFY_PUBLIC_DETAILS", False),
            account_retention_days=_int(environ, "ACCOUNT_RETENTION_DAYS", 3 * 365),
            antivirus_backend=environ.get("ANTIVIRUS_BACKEND")
            or (
                "academy.core.antivirus.ClamdBackend"
                if environ.get("ANTIVIRUS_CLAMD_SOCKET") or environ.get("ANTIVIRUS_CLAMD_HOST")
                else "academy.core.antivirus.DummyBackend"
            ),
            antivirus_clamd_socket=environ.get("ANTIVIRUS_CLAMD_SOCKET") or None,
            antivirus_clamd_host=environ.get("ANTIVIRUS_CLAMD_HOST") or None,
            antivirus_clamd_port=_int(environ, "ANTIVIRUS_CLAMD_PORT", 3310),
            antivirus_timeout=_int(environ, "ANTIVIRUS_TIMEOUT", 30),
        )
