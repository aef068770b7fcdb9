from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from learners import services
from learners.models import BulkEnrollmentJob, Enrollment
from tests import factories as base

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(small_tree):
    t = small_tree
    return {
        "a": base.UserFactory(
            username="a", unit=t["c1"], job_title="Secrétaire général", matricule="A1"
        ),
        "b": base.UserFactory(username="b", unit=t["c2"], job_title="Technicien", matricule="B1"),
        "c": base.UserFactory(username="c", unit=t["p1"], job_title="Technicien", matricule="C1"),
        "d": base.UserFactory(username="d", unit=t["c3"], job_title="Technicien", matricule="D1"),
        "e": base.UserFactory(
            username="e", unit=t["c1"], job_title="Technicien", matricule="E1", is_active=False
        ),
    }


def _run(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.bulk_enrollment_request(**kwargs)
    job.refresh_from_db()
    return job


def test_unit_subtree_within_scope(small_tree, staff, tree, django_capture_on_commit_callbacks):
    officer = base.hr_officer(small_tree["p1"])
    job = _run(
        django_capture_on_commit_callbacks,
        requested_by=officer,
        course=tree.course,
        kind="unit",
        unit=small_tree["p1"],
    )
    assert job.status == BulkEnrollmentJob.Status.DONE
    enrolled = set(Enrollment.objects.values_list("user__username", flat=True))
    assert enrolled == {"a", "b", "c"}  # d is elsewhere, e inactive
    assert job.total == job.processed == job.created_count == 3
    assert set(Enrollment.objects.values_list("source", flat=True)) == {"bulk"}
    assert Enrollment.objects.get(user=staff["a"]).enrolled_by == officer


def test_unit_outside_scope_is_refused(small_tree, staff, tree):
    officer = base.hr_officer(small_tree["p1"])
    with pytest.raises(PermissionDenied):
        services.bulk_enrollment_request(
            requested_by=officer, course=tree.course, kind="unit", unit=small_tree["r2"]
        )
    assert not BulkEnrollmentJob.objects.exists()


def test_learner_cannot_bulk_enrol(staff, tree, small_tree):
    with pytest.raises(PermissionDenied):
        services.bulk_enrollment_request(
            requested_by=staff["a"], course=tree.course, kind="unit", unit=small_tree["c1"]
        )


def test_job_title_is_limited_to_scope(small_tree, staff, tree, django_capture_on_commit_callbacks):
    officer = base.hr_officer(small_tree["r1"])
    _run(
        django_capture_on_commit_callbacks,
        requested_by=officer,
        course=tree.course,
        kind="job_title",
        job_title="technicien",
    )
    assert set(Enrollment.objects.values_list("user__username", flat=True)) == {"b", "c"}


def test_matricules_report_unknown_and_out_of_scope(
    small_tree, staff, tree, django_capture_on_commit_callbacks
):
    officer = base.hr_officer(small_tree["r1"])
    services.enrollment_create(learner=staff["a"], course=tree.course)
    job = _run(
        django_capture_on_commit_callbacks,
        requested_by=officer,
        course=tree.course,
        kind="matricules",
        matricules="A1, B1\nD1 ZZ9 B1",
    )
    assert job.matricules == ["A1", "B1", "D1", "ZZ9"]
    assert set(Enrollment.objects.values_list("user__username", flat=True)) == {"a", "b"}
    assert job.created_count == 1 and job.existing_count == 1
    assert job.errors[0]["matricules"] == ["D1", "ZZ9"]


def test_national_admin_and_rerun_is_idempotent(
    small_tree, staff, tree, django_capture_on_commit_callbacks
):
    admin = base.platform_admin(username="admin.national")
    job = _run(
        django_capture_on_commit_callbacks,
        requested_by=admin,
        course=tree.course,
        kind="job_title",
        job_title="Technicien",
    )
    assert job.created_count == 3
    # The worker died while running it (its heartbeat is old): a redelivered task reclaims it.
    BulkEnrollmentJob.objects.filter(pk=job.pk).update(
        status="running", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    job = services.bulk_enrollment_run(job_id=job.pk)
    assert job.status == "done" and job.attempts == 2
    assert job.created_count == 0 and job.existing_count == 3
    assert Enrollment.objects.count() == 3


def test_empty_inputs_are_refused(small_tree, tree):
    officer = base.hr_officer(None)
    with pytest.raises(ValidationError):
        services.bulk_enrollment_request(
            requested_by=officer, course=tree.course, kind="matricules", matricules=" ,, "
        )
    with pytest.raises(ValidationError):
        services.bulk_enrollment_request(
            requested_by=officer, course=tree.course, kind="job_title", job_title=" "
        )
    with pytest.raises(ValidationError):
        services.bulk_enrollment_request(requested_by=officer, course=tree.course, kind="unit")


def test_progress_is_reported_per_chunk(small_tree, staff, tree, monkeypatch):
    monkeypatch.setattr("learners.services.bulk.CHUNK", 1)
    officer = base.hr_officer(None)
    job = BulkEnrollmentJob.objects.create(
        requested_by=officer, course=tree.course, kind="job_title", job_title="Technicien"
    )
    seen = []
    services.bulk_enrollment_run(
        job_id=job.pk, progress=lambda j: seen.append((j.processed, j.total))
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3), (3, 3)]


def test_bulk_pages(client, small_tree, staff, tree, django_capture_on_commit_callbacks):
    officer = base.hr_officer(small_tree["p1"])
    client.force_login(officer)
    assert client.get(reverse("learners:bulk_enrol")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("learners:bulk_enrol"),
            {
                "course": tree.course.pk,
                "kind": "unit",
                "unit": small_tree["c1"].pk,
            },
        )
    assert response.status_code == 302
    job = BulkEnrollmentJob.objects.get()
    status = client.get(response["Location"], HTTP_ACCEPT="application/json").json()
    assert status["status"] == "done" and status["created"] == 1
    assert client.get(response["Location"]).status_code == 200
    client.force_login(staff["a"])
    assert client.get(reverse("learners:bulk_enrol")).status_code == 403
    assert client.get(reverse("learners:bulk_job", args=[job.pk])).status_code == 404


def test_waiting_job_page_refreshes_its_progress_in_place_not_the_whole_page(
    client, small_tree, staff, tree
):
    """A queued enrolment's page updates its live region by script, with a Refresh link for
    readers without JavaScript; a <meta refresh> reloaded the page under them (WCAG 2.2.1)."""
    officer = base.hr_officer(small_tree["p1"])
    job = services.bulk_enrollment_request(  # queued on commit: never run in this test
        requested_by=officer, course=tree.course, kind="unit", unit=small_tree["p1"]
    )
    client.force_login(officer)
    html = client.get(reverse("learners:bulk_job", args=[job.pk])).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert 'data-job-refresh="waiting"' in html and 'aria-live="polite"' in html
    assert "js/job-refresh.js" in html
    assert f'href="{reverse("learners:bulk_job", args=[job.pk])}"' in html  # Refresh by hand
