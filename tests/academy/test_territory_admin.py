import pytest
from django.contrib.auth.models import Permission

from tests import factories


@pytest.fixture
def admin_user_with_access(db):
    user = factories.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def test_any_admin_user_can_browse_and_search_units_in_both_scripts(
    client, small_tree, admin_user_with_access
):
    client.force_login(admin_user_with_access)
    response = client.get("/admin/territories/", {"q": "بركان"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Berkane" in content and "Tiznit" not in content


def test_a_non_admin_cannot_change_a_unit(client, small_tree, admin_user_with_access):
    client.force_login(admin_user_with_access)
    unit = small_tree["c1"]
    response = client.post(
        f"/admin/territories/edit/{unit.pk}/",
        {"name_fr": "Pirate", "name_ar": "قرصان", "kind": "urban"},
    )
    assert response.status_code in (302, 403)
    unit.refresh_from_db()
    assert unit.name_fr == "Berkane"


def test_a_platform_admin_can_correct_a_unit_name(client, small_tree):
    client.force_login(factories.platform_admin())
    unit = small_tree["c2"]
    response = client.post(
        f"/admin/territories/edit/{unit.pk}/",
        {
            "name_fr": "Aklim (corrigé)",
            "name_ar": "أكليم",
            "kind": "rural",
            "population_2014": "1000",
        },
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name_fr == "Aklim (corrigé)"


def test_nobody_adds_units_through_the_admin(client, db):
    client.force_login(factories.platform_admin())
    assert client.get("/admin/territories/new/").status_code in (302, 403)
