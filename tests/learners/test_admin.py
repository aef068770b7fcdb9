import pytest

from learners import services
from tests import factories as base

pytestmark = pytest.mark.django_db


def test_admin_lists_enrolments_read_only(client, learner, tree):
    services.enrollment_create(learner=learner, course=tree.course)
    admin = base.platform_admin(username="root.admin")
    client.force_login(admin)
    response = client.get("/admin/enrolments/")
    assert response.status_code == 200
    assert (
        learner.username in response.content.decode()
        or learner.get_full_name() in response.content.decode()
    )
    assert client.get("/admin/enrolments/new/").status_code in (302, 403)


def test_hr_officer_without_admin_rights_cannot_see_admin_lists(client, small_tree):
    officer = base.hr_officer(small_tree["p1"], is_staff=True)
    client.force_login(officer)
    assert client.get("/admin/enrolments/").status_code in (302, 403)
