from academy.accounts.models import HRScope, User
from tests import factories


def _form(user, **overrides):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "matricule": user.matricule or "",
        "first_name_ar": "سعيد",
        "last_name_ar": "العلوي",
        "unit": "",
        "job_title": "Agent",
        "preferred_language": "ar",
        "hr_role": "",
        "hr_unit": "",
    }
    data.update(overrides)
    return data


def test_admin_edits_the_employee_profile_and_makes_an_hr_officer(client, small_tree):
    client.force_login(factories.platform_admin())
    employee = factories.UserFactory(matricule="OR-77")
    response = client.post(
        f"/admin/users/edit/{employee.pk}/",
        _form(employee, unit=small_tree["c1"].pk, hr_role="unit", hr_unit=small_tree["p1"].pk),
    )
    assert response.status_code == 302, response.content[:2000]
    employee.refresh_from_db()
    assert (employee.unit, employee.preferred_language, employee.first_name_ar) == (
        small_tree["c1"],
        "ar",
        "سعيد",
    )
    assert HRScope.objects.get(user=employee).unit == small_tree["p1"]


def test_hr_officer_for_one_unit_needs_the_unit(client, small_tree):
    client.force_login(factories.platform_admin())
    employee = factories.UserFactory()
    response = client.post(f"/admin/users/edit/{employee.pk}/", _form(employee, hr_role="unit"))
    assert response.status_code == 200
    assert not HRScope.objects.filter(user=employee).exists()


def test_removing_the_hr_role_removes_the_scope(client, small_tree):
    client.force_login(factories.platform_admin())
    officer = factories.hr_officer(small_tree["r1"])
    response = client.post(f"/admin/users/edit/{officer.pk}/", _form(officer, hr_role=""))
    assert response.status_code == 302
    assert not HRScope.objects.filter(user=officer).exists()
    assert User.objects.filter(pk=officer.pk).exists()
