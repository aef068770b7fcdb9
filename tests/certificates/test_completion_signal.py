"""Certificates follows ``learners.signals.enrollment_completed``: the issuance is queued
when the course awards a certificate, and the certificate exists once the task ran."""

from unittest import mock

import pytest

from certificates.models import Certificate
from learners.models import Enrollment
from learners.signals import enrollment_completed
from tests.certificates import factories

pytestmark = pytest.mark.django_db


def test_completion_of_a_certifying_course_queues_the_issuance(enrollment, course_page):
    with mock.patch("certificates.tasks.certificate_issue_task.delay") as delay:
        enrollment_completed.send(sender=Enrollment, enrollment=enrollment, course=course_page)
    delay.assert_called_once_with(enrollment.pk)


def test_completion_of_a_course_without_certificate_queues_nothing(learner):
    course = factories.course(title_fr="Sans certificat", title_ar="بلا شهادة")
    course.awards_certificate = False
    course.save()
    enrollment = factories.completed_enrollment(user=learner, course_page=course)
    with mock.patch("certificates.tasks.certificate_issue_task.delay") as delay:
        enrollment_completed.send(sender=Enrollment, enrollment=enrollment, course=course)
    delay.assert_not_called()


def test_completion_signal_issues_the_certificate(enrollment, course_page):
    enrollment_completed.send(sender=Enrollment, enrollment=enrollment, course=course_page)
    assert Certificate.objects.filter(enrollment=enrollment, status="valid").count() == 1
