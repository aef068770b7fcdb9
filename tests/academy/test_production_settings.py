"""Production HTTPS settings, built from the typed Env (no subprocess): a proxy that redirects
(SECURE_SSL_REDIRECT=0) keeps Secure cookies and HSTS, and `check --deploy` is clean."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from academy.settings.env import Env
from academy.settings.security import production_security_settings

PRODUCTION = {
    "DATABASE_URL": "postgres://academie@127.0.0.1/academie",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SECRET_KEY": "p" * 30 + "Q9#xz!" + "r" * 30,
    "ALLOWED_HOSTS": "academie.example.ma",
}


@pytest.mark.parametrize("redirect", ["1", "0"])
def test_cookies_are_secure_and_hsts_is_sent_whoever_redirects(redirect):
    values = production_security_settings(
        Env.from_environ({**PRODUCTION, "SECURE_SSL_REDIRECT": redirect})
    )
    assert values["SECURE_SSL_REDIRECT"] is (redirect == "1")
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize("redirect", ["1", "0"])
def test_check_deploy_is_clean(redirect, settings):
    env = Env.from_environ({**PRODUCTION, "SECURE_SSL_REDIRECT": redirect})
    values = production_security_settings(env)
    values["SILENCED_SYSTEM_CHECKS"] = [
        *settings.SILENCED_SYSTEM_CHECKS,
        *values["SILENCED_SYSTEM_CHECKS"],
    ]
    with override_settings(
        DEBUG=env.debug, SECRET_KEY=env.secret_key, ALLOWED_HOSTS=env.allowed_hosts, **values
    ):
        messages = [
            m
            for m in run_checks(include_deployment_checks=True)
            if m.id.startswith("security.") and not m.is_silenced()
        ]
    assert messages == [], [f"{m.id}: {m.msg}" for m in messages]


def test_embedded_profile_has_no_https_settings():
    assert production_security_settings(Env.from_environ({})) == {}
