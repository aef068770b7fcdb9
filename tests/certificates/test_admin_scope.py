"""An HR officer with certificate rights acts only on certificates of their scope, everywhere."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from certificates.models import Certificate
from certificates.services import certificate_issue
from tests import factories as base
from tests.certificates import factories

pytestmark = pytest.mark.django_db


def _officer(unit):
    officer = base.hr_officer(unit)
    officer.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["access_admin", "view_certificate", "change_certificate"]
        )
    )
    return officer


@pytest.fixture
def outside(small_tree):
    """A completed enrolment and its certificate in Tiznit (Souss-Massa)."""
    learner = base.UserFactory(username="tiznit-learner", matricule="TZN-1", unit=small_tree["c3"])
    course = factories.course(
        title_fr="Bureautique", title_ar="المكتبيات", template=factories.template()
    )
    enrollment = factories.completed_enrollment(user=learner, course_page=course)
    return enrollment


def test_inspect_view_refuses_a_certificate_outside_the_scope(client, small_tree, outside):
    certificate = certificate_issue(enrollment=outside)
    client.force_login(_officer(small_tree["p1"]))
    # (a 404 under /admin/ is redirected to the language-prefixed path, a 404 too)
    response = client.get(reverse("certificates_admin:inspect", args=[certificate.pk]), follow=True)
    assert response.status_code == 404
    assert "TZN-1" not in response.content.decode()
    # the national officer sees it
    client.force_login(_officer(None))
    assert (
        client.get(reverse("certificates_admin:inspect", args=[certificate.pk])).status_code == 200
    )


def test_issue_form_does_not_find_a_learner_outside_the_scope(client, small_tree, outside):
    client.force_login(_officer(small_tree["p1"]))
    response = client.post(
        reverse("certificates_admin:issue"), {"learner": "TZN-1", "course": outside.course.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Certificate.objects.filter(enrollment=outside).exists()
    # inside the national scope the same request issues
    client.force_login(_officer(None))
    response = client.post(
        reverse("certificates_admin:issue"), {"learner": "TZN-1", "course": outside.course.pk}
    )
    assert response.status_code == 302
    assert Certificate.objects.filter(enrollment=outside, status="valid").exists()
