"""Sign-in throttling and lockout (django-axes), password policy, session expiry."""

import importlib
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from academy.audit.models import AuditAction, AuditEntry
from tests import factories

LOGIN = "/{lang}/accounts/login/"
GOOD = "secret-pass-123"


@pytest.fixture(autouse=True)
def _fresh_axes(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 0.5


def _fail(client, username, ip="198.51.100.7", lang="fr"):
    return client.post(
        LOGIN.format(lang=lang),
        {"username": username, "password": "wrong-password!"},
        REMOTE_ADDR=ip,
    )


def test_account_is_locked_after_failures_whether_typed_as_username_or_matricule(client, db):
    user = factories.UserFactory(username="amina", matricule="BRK-0042")
    _fail(client, "amina", ip="198.51.100.1")
    _fail(client, "BRK-0042", ip="198.51.100.2")
    _fail(client, "AMINA", ip="198.51.100.3")
    # Right password, a fresh address: the account itself is locked.
    response = client.post(
        LOGIN.format(lang="fr"),
        {"username": "BRK-0042", "password": GOOD},
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(
        action=AuditAction.LOGIN_LOCKOUT, data__username=user.username
    ).exists()


def test_client_address_is_locked_after_failures_on_several_accounts(client, db):
    factories.UserFactory(username="victim")
    for name in ("someone", "another", "third"):
        _fail(client, name, ip="203.0.113.5")
    response = client.post(
        LOGIN.format(lang="ar"), {"username": "victim", "password": GOOD}, REMOTE_ADDR="203.0.113.5"
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert 'dir="rtl"' in body
    assert "محاولات" in body
    # The same account from another address is not locked.
    response = client.post(
        LOGIN.format(lang="fr"), {"username": "victim", "password": GOOD}, REMOTE_ADDR="203.0.113.6"
    )
    assert response.status_code == 302


def test_forwarded_for_is_not_believed_without_a_trusted_proxy(client, db, settings):
    factories.UserFactory(username="victim")
    for n in range(3):
        client.post(
            LOGIN.format(lang="fr"), {"username": f"x{n}", "password": "bad-password!"},
            REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )  # fmt: skip
    response = client.post(
        LOGIN.format(lang="fr"), {"username": "victim", "password": GOOD},
        REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.9.9.9",
    )  # fmt: skip
    assert response.status_code == 429


def test_platform_admin_unlocks_and_the_learner_signs_in_again(client, db):
    factories.UserFactory(username="amina")
    for _ in range(3):
        _fail(client, "amina", ip="198.51.100.1")
    attempt = AccessAttempt.objects.get(username="amina")
    admin = factories.platform_admin()
    learner = factories.UserFactory()

    client.force_login(learner)
    assert client.get("/admin/login_lockouts/").status_code in (302, 403)
    assert client.post(f"/admin/login_lockouts/unlock/{attempt.pk}/").status_code in (302, 403)
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()

    client.force_login(admin)
    listing = client.get("/admin/login_lockouts/")
    assert listing.status_code == 200 and "amina" in listing.content.decode()
    assert client.post(f"/admin/login_lockouts/unlock/{attempt.pk}/").status_code == 302
    assert not AccessAttempt.objects.filter(username="amina").exists()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_UNLOCK)
    assert entry.actor == admin and entry.data["username"] == "amina"

    client.logout()
    response = client.post(
        LOGIN.format(lang="fr"), {"username": "amina", "password": GOOD}, REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 302


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError):
        validate_password("Zq8#kLm2!xv")  # 11 characters
    validate_password("Zq8#kLm2!xvP")  # 12


def test_base_settings_hash_with_argon2_first():
    base = importlib.import_module("academy.settings.base")
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    hasher = Argon2PasswordHasher()  # argon2-cffi is installed
    assert hasher.verify("x" * 12, hasher.encode("x" * 12, hasher.salt()))


@pytest.fixture
def clock(monkeypatch):
    now = [time.time()]
    monkeypatch.setattr("academy.accounts.middleware.time.time", lambda: now[0])
    return now


def _signed_in(client, user):
    client.force_login(user)
    assert client.get("/fr/learn/").status_code == 200
    return client


@pytest.mark.parametrize(
    ("make_user", "still_in_after", "out_after"),
    [
        (lambda: factories.UserFactory(), 60 * 60, 8 * 60 * 60 + 120),
        (lambda: factories.trainer(), 20 * 60, 31 * 60),
        (lambda: factories.hr_officer(None), 20 * 60, 31 * 60),
    ],
    ids=["learner", "trainer", "hr-officer"],
)
def test_sessions_end_after_an_idle_period_by_role(
    client, db, clock, make_user, still_in_after, out_after
):
    user = make_user()
    _signed_in(client, user)
    clock[0] += still_in_after
    assert client.get("/fr/learn/").status_code == 200
    clock[0] += out_after
    response = client.get("/fr/learn/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_sessions_end_at_their_maximum_age_even_when_active(client, db, clock, settings):
    settings.SESSION_MAX_AGE = 12 * 3600
    _signed_in(client, factories.UserFactory())
    for _ in range(6):  # busy all day: a request every 2 hours
        clock[0] += 2 * 3600 - 60
        assert client.get("/fr/learn/").status_code == 200
    clock[0] += 2 * 3600
    assert client.get("/fr/learn/").status_code == 302
