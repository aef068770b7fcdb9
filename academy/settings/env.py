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


def _list(environ: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


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
    site_url: str
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
            raise ImproperlyConfigured("The production profile needs ALLOWED_HOSTS (comma separated).")

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
            site_url=environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/"),
            email_backend=environ.get(
                "EMAIL_BACKEND",
                "django.core.mail.backends.smtp.EmailBackend"
                if environ.get("EMAIL_HOST")
                else "django.core.mail.backends.console.EmailBackend",
            ),
            email_host=environ.get("EMAIL_HOST", "localhost"),
            email_port=_int(environ, "EMAIL_PORT", 25),
            email_use_tls=_bool(environ, "EMAIL_USE_TLS", False),
            default_from_email=environ.get("DEFAULT_FROM_EMAIL", "Académie <no-reply@academie.local>"),
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
        )
