import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from academy.accounts.models import UnitMove
from academy.accounts.services import user_move_unit
from academy.settings.env import Env
from tests import factories


def test_employee_signs_in_with_matricule_and_lands_in_preferred_language(client, db):
    user = factories.UserFactory(matricule="BRK-0042", preferred_language="ar")
    response = client.post(
        "/fr/accounts/login/", {"username": "BRK-0042", "password": "secret-pass-123"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_is_refused_with_a_message(client, db):
    factories.UserFactory(username="amina")
    response = client.post("/fr/accounts/login/", {"username": "amina", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_sign_out_ends_the_session(client, db):
    client.force_login(factories.UserFactory())
    client.post("/fr/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_an_email_with_a_link(client, db):
    factories.UserFactory(email="agent@commune.ma")
    response = client.post("/fr/accounts/password-reset/", {"email": "agent@commune.ma"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_language_switch_remembers_the_choice_for_a_signed_in_user(client, db):
    user = factories.UserFactory(preferred_language="fr")
    client.force_login(user)
    response = client.post(
        "/i18n/setlang/", {"language": "ar", "next": "/fr/accounts/password-reset/"}
    )
    assert response["Location"] == "/ar/accounts/password-reset/"
    user.refresh_from_db()
    assert user.preferred_language == "ar"


def test_language_switch_refuses_an_outside_next_url(client, db):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "https://evil.example/"})
    assert response["Location"] == "/ar/"


@pytest.mark.parametrize("lang, direction", [("fr", "ltr"), ("ar", "rtl")])
def test_pages_render_with_the_right_lang_and_dir(client, db, lang, direction):
    response = client.get(f"/{lang}/accounts/login/")
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert "<main" in html and "<header" in html and "<footer" in html


def test_login_page_is_translated_in_both_languages(client, db):
    assert "Se connecter" in client.get("/fr/accounts/login/").content.decode()
    assert "تسجيل الدخول" in client.get("/ar/accounts/login/").content.decode()


def test_moving_an_employee_keeps_a_dated_history(small_tree):
    import datetime

    user = factories.UserFactory(unit=small_tree["c1"])
    user_move_unit(user=user, unit=small_tree["c3"], moved_on=datetime.date(2026, 3, 1))
    move = UnitMove.objects.get(user=user)
    assert (move.from_unit, move.to_unit, move.moved_on) == (
        small_tree["c1"],
        small_tree["c3"],
        datetime.date(2026, 3, 1),
    )
    assert user.unit_since == datetime.date(2026, 3, 1)


PRODUCTION_ENV = {
    "DATABASE_URL": "postgres://x@127.0.0.1/x",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "a.ma",
}


def test_production_profile_refuses_to_start_without_a_secret_key():
    with pytest.raises(ImproperlyConfigured, match="needs SECRET_KEY"):
        Env.from_environ(PRODUCTION_ENV)


def test_production_profile_starts_with_its_settings():
    env = Env.from_environ({**PRODUCTION_ENV, "SECRET_KEY": "k" * 50})
    assert env.is_production
    assert env.redis_url == "redis://127.0.0.1:6379/0"


def test_embedded_profile_needs_no_environment():
    assert not Env.from_environ({}).is_production
