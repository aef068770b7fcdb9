"""Each task family through Redis and a real Celery worker (CI's production pass).

Tasks are queued with ``delay_on_commit``: nothing reaches the worker before the
transaction commits, and the worker, with its own database connection, sees the rows.
"""

import datetime

import pytest
from django.db import transaction

from tests import factories as base
from tests.conftest import wait_for

pytestmark = [pytest.mark.production, pytest.mark.django_db(transaction=True)]


def test_certificate_is_issued_by_the_worker_only_after_commit(live_celery_worker, small_tree):
    from certificates.models import Certificate
    from certificates.tasks import certificate_issue_task
    from tests.certificates import factories as cert_factories

    enrollment = cert_factories.completed_enrollment(
        unit=small_tree["c1"],
        course_page=cert_factories.course(
            title_fr="Cybersécurité", title_ar="الأمن السيبراني", template=cert_factories.template()
        ),
    )
    with transaction.atomic():
        certificate_issue_task.delay_on_commit(enrollment.pk)
        certificate_issue_task.delay_on_commit(enrollment.pk)  # a retried delivery
        assert not Certificate.objects.filter(enrollment=enrollment).exists()
    # A third delivery, after commit: the solo worker runs the queue in order, so once its
    # result is back the first two have run as well.
    issued_uuid = certificate_issue_task.delay(enrollment.pk).get(timeout=300)
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert str(certificate.uuid) == issued_uuid
    assert certificate.status == Certificate.Status.VALID
    assert len(certificate.sha256) == 64


def test_bulk_enrolment_runs_on_the_worker_and_reports_progress(live_celery_worker, small_tree):
    from learners import services
    from learners.models import BulkEnrollmentJob, Enrollment
    from tests.learners import factories as learner_factories

    tree = learner_factories.course_tree(modules=((True, 1),), final=False, pass_mark=70)
    for _ in range(5):
        base.UserFactory(unit=small_tree["c1"], job_title="Technicien")
    base.UserFactory(unit=small_tree["c3"], job_title="Technicien")  # outside the officer's scope
    officer = base.hr_officer(small_tree["p1"])
    job = services.bulk_enrollment_request(
        requested_by=officer, course=tree.course, kind="unit", unit=small_tree["p1"]
    )
    job = wait_for(
        lambda: BulkEnrollmentJob.objects.filter(
            pk=job.pk, status=BulkEnrollmentJob.Status.DONE
        ).first()
    )
    assert job.total == job.processed == 5
    assert Enrollment.objects.filter(course=tree.course).count() == 5


def test_staff_import_is_applied_by_the_worker_all_or_nothing(live_celery_worker, small_tree):
    from academy.accounts.models import User
    from hr.models import JobStatus, StaffImportJob
    from hr.services.staff_import import staff_import_job_create, staff_import_job_queue

    officer = base.hr_officer(small_tree["p1"])
    c1 = small_tree["c1"].code
    raw = (
        "matricule,last_name,first_name,last_name_ar,first_name_ar,email,unit_code,job_title\n"
        f"W-1,Alaoui,Hind,العلوي,هند,hind@commune.ma,{c1},Technicienne\n"
        f"W-2,Berrada,Ali,برادة,علي,ali@commune.ma,{c1},Agent\n"
    ).encode()
    with transaction.atomic():
        job = staff_import_job_create(
            user=officer, raw=raw, file_name="staff.csv", effective_on=datetime.date(2026, 11, 1)
        )
        assert staff_import_job_queue(job=job)  # the officer applies the clean dry run
    job = wait_for(
        lambda: StaffImportJob.objects.filter(
            pk=job.pk, status__in=[JobStatus.DONE, JobStatus.FAILED]
        ).first()
    )
    assert job.status == JobStatus.DONE, job
    assert set(
        User.objects.filter(matricule__startswith="W-").values_list("unit__code", flat=True)
    ) == {c1}
