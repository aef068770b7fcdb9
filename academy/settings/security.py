"""HTTPS and cookie hardening of the production profile, computed from the typed ``Env``.

A function of the environment (not module-level code) so that tests can build the settings of
any environment without a subprocess. ``SECURE_SSL_REDIRECT=0`` means a reverse proxy already
redirects HTTP to HTTPS: the site is still HTTPS-only, so cookies stay Secure and HSTS is sent.
"""

from __future__ import annotations

from .env import Env


def production_security_settings(env: Env) -> dict:
    if not env.is_production:
        return {}
    silenced = ["security.W019"]  # X_FRAME_OPTIONS = SAMEORIGIN: Wagtail's preview, H5P frame
    if not env.secure_ssl_redirect:
        silenced.append("security.W008")  # the proxy redirects HTTP to HTTPS
    return {
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "SECURE_SSL_REDIRECT": env.secure_ssl_redirect,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "SAMEORIGIN",
        "SILENCED_SYSTEM_CHECKS": silenced,
    }
