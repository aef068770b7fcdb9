"""Law 09-08 without the command line: the learner finds their data from the header, and a
platform administrator erases a person's data from the Wagtail user admin."""

import pytest
from django.urls import reverse

from academy.accounts.models import User
from academy.audit.models import AuditAction, AuditEntry
from tests import factories as base

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "label"), [("fr", "Mes données personnelles"), ("ar", "معطياتي الشخصية")]
)
def test_signed_in_user_finds_a_link_to_their_personal_data(client, lang, label):
    client.force_login(base.UserFactory())
    response = client.get(f"/{lang}/accounts/me/data/")
    assert response.status_code == 200
    page = client.get(
        reverse("learners:dashboard").replace("/fr/", f"/{lang}/", 1)
    ).content.decode()
    link = f'href="/{lang}/accounts/me/data/"'
    assert link in page and label in page


def test_anonymous_visitor_sees_no_personal_data_link(client):
    page = client.get("/fr/accounts/login/").content.decode()
    assert "/accounts/me/data/" not in page


@pytest.fixture
def person(small_tree):
    return base.UserFactory(username="fz", first_name="Fatima", last_name="Idrissi", matricule="M-77",
                            email="fz@example.ma", unit=small_tree["c1"])  # fmt: skip


def erase_url(user):
    return reverse("wagtailusers_users:erase_personal_data", args=[user.pk])


def test_superuser_erases_personal_data_from_the_user_admin(client, person):
    admin = base.platform_admin(username="dpo")
    client.force_login(admin)
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert erase_url(person) in listing
    response = client.post(erase_url(person))
    assert response.status_code == 302
    erased = User.objects.get(pk=person.pk)
    assert (
        erased.username == f"erased-{person.pk}" and erased.email == "" and erased.matricule is None
    )
    entry = AuditEntry.objects.get(action=AuditAction.PERSONAL_DATA_ERASURE)
    assert entry.actor == admin and entry.data == {"was": "fz"}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_confirmation_page_says_what_is_erased_and_kept_and_erases_nothing(client, person, lang):
    client.force_login(base.platform_admin(username="dpo"))
    response = client.get(erase_url(person), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert "Fatima" in page
    assert ("Ce qui est effacé" in page) or ("ما يُمحى" in page)
    assert User.objects.get(pk=person.pk).username == "fz"
    assert not AuditEntry.objects.filter(action=AuditAction.PERSONAL_DATA_ERASURE).exists()


@pytest.mark.parametrize("role", ["hr_officer", "trainer"])
def test_only_superusers_may_erase_personal_data(client, person, small_tree, role):
    user = (
        base.hr_officer(small_tree["r1"], is_staff=True)
        if role == "hr_officer"
        else base.trainer(is_staff=True)
    )
    client.force_login(user)
    assert client.get(erase_url(person)).status_code in (302, 403)
    assert client.post(erase_url(person)).status_code in (302, 403)
    assert User.objects.get(pk=person.pk).username == "fz"
    listing = client.get(reverse("wagtailusers_users:index")).content.decode()
    assert erase_url(person) not in listing


def test_erasure_screen_needs_csrf(person):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(base.platform_admin(username="dpo"))
    assert client.post(erase_url(person)).status_code == 403
    assert User.objects.get(pk=person.pk).username == "fz"
