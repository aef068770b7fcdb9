import re

import pytest
from django.contrib.auth.models import Permission

from hr.models import ExportJob, StaffImportJob
from tests import factories as base

LEVELS = ["commune", "province", "region", "national"]
VISIBLE_STAFF = {
    "commune": {"c1", "c1b"},
    "province": {"c1", "c1b", "c2", "p1"},
    "region": {"c1", "c1b", "c2", "p1"},
    "national": {"c1", "c1b", "c2", "c3", "c4", "p1"},
}


def with_admin_access(user):
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


@pytest.fixture
def jobs(world):
    t = world["tree"]
    made = {}
    for key in ("c1", "c2", "p1", "r1", "c3", "r2"):
        made[key] = ExportJob.objects.create(
            requested_by=world["officers"]["national"],
            unit=t[key],
            exporter="completions",
            file_name=f"export-{key}.xlsx",
        )
    made["national"] = ExportJob.objects.create(
        requested_by=world["officers"]["national"],
        unit=None,
        exporter="completions",
        file_name="export-national.xlsx",
    )
    return made


@pytest.mark.parametrize("level", LEVELS)
def test_admin_staff_listing_scope_matrix(client, world, level):
    officer = with_admin_access(world["officers"][level])
    client.force_login(officer)
    response = client.get("/admin/hr_staff/")
    assert response.status_code == 200
    html = response.content.decode()
    shown = {
        k
        for k, u in world["people"].items()
        if re.search(rf"[\s>]{re.escape(u.matricule)}[\s<]", html)
    }
    assert shown == VISIBLE_STAFF[level]
    for key, user in world["people"].items():
        response = client.get(f"/admin/hr_staff/inspect/{user.pk}/")
        if key in VISIBLE_STAFF[level]:
            assert response.status_code == 200 and user.matricule in response.content.decode()
        else:  # Wagtail turns the 404 into a redirect to the dashboard
            assert response.status_code in (302, 404), (level, key)
            assert user.matricule not in response.content.decode()


@pytest.mark.parametrize("level", LEVELS)
def test_admin_export_listing_scope_matrix(client, world, jobs, level):
    client.force_login(with_admin_access(world["officers"][level]))
    html = client.get("/admin/hr_exports/").content.decode()
    expected = {
        "commune": {"c1"},
        "province": {"c1", "c2", "p1"},
        "region": {"c1", "c2", "p1", "r1"},
        "national": set(jobs),
    }[level]
    assert {k for k in jobs if f"export-{k}.xlsx" in html} == expected
    for key, job in jobs.items():
        status = client.get(f"/admin/hr_exports/inspect/{job.pk}/").status_code
        assert status == 200 if key in expected else status in (302, 404)


def test_admin_import_listing_is_scoped_by_the_uploaders_scope(client, world):
    import datetime

    for level in LEVELS:
        StaffImportJob.objects.create(
            requested_by=world["officers"][level],
            raw=b"",
            file_name=f"import-{level}.csv",
            effective_on=datetime.date.today(),
        )
    client.force_login(with_admin_access(world["officers"]["province"]))
    html = client.get("/admin/hr_imports/").content.decode()
    assert "import-province.csv" in html and "import-commune.csv" in html
    assert "import-region.csv" not in html and "import-national.csv" not in html


def test_admin_listings_refuse_people_without_hr_scope(client, world):
    client.force_login(with_admin_access(base.UserFactory(username="editor")))
    assert client.get("/admin/hr_staff/").status_code in (302, 403)
    assert client.get("/admin/hr_exports/").status_code in (302, 403)


def test_admin_listings_offer_no_editing(client, world):
    client.force_login(base.platform_admin(username="root"))
    user = world["people"]["c1"]
    assert client.get(f"/admin/hr_staff/edit/{user.pk}/").status_code in (302, 403)
    assert client.get("/admin/hr_staff/new/").status_code in (302, 403)
    assert client.get("/admin/hr_staff/").status_code == 200
