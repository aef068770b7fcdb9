"""The learner's side of recertification: the dashboard shows the expiry date and, once
the window is open, a renewal button that sends them back to a course (issue 16)."""

import pytest
from django.urls import reverse
from django.utils import translation

from learners.models import Enrollment
from tests.certificates import factories
from tests.certificates.test_recertification import issue_back_dated

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def dashboard(client, user, language):
    client.force_login(user)
    with translation.override(language):
        return client.get(reverse("learners:dashboard")).content.decode()


@pytest.mark.parametrize(
    ("language", "until", "renew"),
    [
        ("fr", "Valable jusqu'au", "Renouveler mon certificat"),
        ("ar", "صالحة إلى غاية", "تجديد شهادتي"),
    ],
)
@pytest.mark.parametrize(("days_left", "window_open"), [(90, False), (10, True)])
def test_dashboard_shows_expiry_and_renewal_once_the_window_is_open(
    client, enrollment, expiring_course, language, until, renew, days_left, window_open
):
    issue_back_dated(enrollment, days_left=days_left)
    html = dashboard(client, enrollment.user, language)
    assert until in html
    assert (renew in html) is window_open  # the window opens 30 days before expiry
    assert 'class="status-warning"' in html if window_open else 'class="meta">' in html


@pytest.mark.parametrize(
    ("language", "expired", "renew"),
    [("fr", "Expiré le", "Renouveler mon certificat"), ("ar", "انتهت صلاحيتها في", "تجديد شهادتي")],
)
def test_dashboard_shows_an_expired_certificate_with_its_renewal(
    client, enrollment, expiring_course, language, expired, renew
):
    issue_back_dated(enrollment, days_left=-2)
    html = dashboard(client, enrollment.user, language)
    assert expired in html and renew in html
    assert 'class="status-expired"' in html


def test_renewal_button_restarts_the_course_and_goes_to_it(client, enrollment, expiring_course):
    certificate = issue_back_dated(enrollment, days_left=10)
    client.force_login(enrollment.user)
    html = dashboard(client, enrollment.user, "fr")
    assert "Renouveler mon certificat" in html
    response = client.post(reverse("certificates:renew", args=[certificate.uuid]))
    assert response.status_code == 302
    # To the course (the test pages have no site: its URL is then the dashboard's).
    assert response["Location"] == (expiring_course.url or reverse("learners:dashboard"))
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_renewal_goes_to_the_recertification_course_when_the_course_has_one(
    client, enrollment, expiring_course
):
    refresher = factories.course(title_fr="Recyclage", title_ar="تجديد")
    expiring_course.recertification_course = refresher
    expiring_course.save()
    certificate = issue_back_dated(enrollment, days_left=10)
    client.force_login(enrollment.user)
    response = client.post(reverse("certificates:renew", args=[certificate.uuid]))
    assert response["Location"] == (refresher.url or reverse("learners:dashboard"))
    assert Enrollment.objects.get(user=enrollment.user, course=refresher).status == "active"
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED  # the original stays completed


def test_renewal_is_refused_before_the_window_and_for_someone_else(
    client, enrollment, expiring_course
):
    early = issue_back_dated(enrollment, days_left=200)
    client.force_login(enrollment.user)
    response = client.post(reverse("certificates:renew", args=[early.uuid]), follow=True)
    assert "Ce certificat ne peut pas être renouvelé maintenant." in response.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED

    due = issue_back_dated(factories.completed_enrollment(course_page=expiring_course), days_left=5)
    other = client.post(reverse("certificates:renew", args=[due.uuid]), follow=True)
    assert other.status_code == 404
    due.enrollment.refresh_from_db()
    assert due.enrollment.status == Enrollment.Status.COMPLETED
    assert client.get(reverse("certificates:renew", args=[early.uuid])).status_code == 405
    client.logout()
    assert client.post(reverse("certificates:renew", args=[due.uuid])).status_code == 302
