"""Issuing renders and signs outside any transaction: no row lock (serial counter, enrolment)
is held while the slow part runs, and exactly-once still holds."""

import threading

import pytest
from django.db import connection, transaction

from certificates.models import Certificate, CertificateReservation, SerialCounter
from certificates.services import certificate_issue, certificate_reissue
from certificates.services import issue as issuing
from certificates.tasks import certificate_issue_task
from tests.certificates import factories


def _spy_render(monkeypatch, seen):
    """Records how many transactions are open (beyond the test's own) while rendering."""
    real = issuing.certificate_pdf_build
    depth = len(connection.atomic_blocks)

    def render(**kwargs):
        seen.append(len(connection.atomic_blocks) - depth)
        return real(**kwargs)

    monkeypatch.setattr(issuing, "certificate_pdf_build", render)


def test_certificate_is_rendered_and_signed_outside_any_transaction(enrollment, monkeypatch):
    seen = []
    _spy_render(monkeypatch, seen)
    certificate = certificate_issue(enrollment=enrollment)
    assert seen == [0]
    assert certificate.serial.endswith("-000001")
    assert not CertificateReservation.objects.exists()


def test_reissued_certificate_is_rendered_outside_any_transaction(enrollment, monkeypatch):
    old = certificate_issue(enrollment=enrollment)
    seen = []
    _spy_render(monkeypatch, seen)
    new = certificate_reissue(certificate=old)
    assert seen == [0]
    old.refresh_from_db()
    assert old.superseded_by == new and new.serial.endswith("-000002")


def test_a_crash_while_signing_keeps_the_serial_for_the_retry(enrollment, monkeypatch):
    """The serial drawn before rendering stays reserved for the enrolment: the retry
    prints the same number (no gap) and nothing is issued meanwhile."""

    def crash(**kwargs):
        raise RuntimeError("worker killed while signing")

    monkeypatch.setattr(issuing, "certificate_pdf_build", crash)
    with pytest.raises(RuntimeError):
        certificate_issue_task.apply(args=[enrollment.pk]).get()
    assert not Certificate.objects.exists()
    reservation = CertificateReservation.objects.get(enrollment=enrollment)
    monkeypatch.undo()

    certificate = Certificate.objects.get(
        uuid=certificate_issue_task.apply(args=[enrollment.pk]).get()
    )
    assert (certificate.serial, certificate.uuid) == (reservation.serial, reservation.uuid)
    assert certificate.serial.endswith("-000001")
    assert SerialCounter.objects.get().last == 1
    assert not CertificateReservation.objects.exists()


def _files_of(uuid):
    """The PDF files written for a certificate UUID (a loser's copy gets a suffix)."""
    storage = Certificate._meta.get_field("pdf").storage
    folders = storage.listdir("certificates")[0] if storage.exists("certificates") else []
    return sorted(
        f"certificates/{folder}/{name}"
        for folder in folders
        for name in storage.listdir(f"certificates/{folder}")[1]
        if name.startswith(str(uuid))
    )


def test_an_issuer_that_lost_the_race_discards_its_copy(enrollment, monkeypatch):
    """Two deliveries rendered the same reservation; the second to store returns the first's
    certificate and leaves no file of its own."""
    real = issuing.certificate_pdf_build
    inner, started = [], []

    def render(**kwargs):
        pdf = real(**kwargs)
        if not started:
            started.append(True)
            inner.append(certificate_issue(enrollment=enrollment))  # the other delivery wins
        return pdf

    monkeypatch.setattr(issuing, "certificate_pdf_build", render)
    result = certificate_issue(enrollment=enrollment)
    assert result.pk == inner[0].pk
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    assert SerialCounter.objects.get().last == 1  # same reservation: no gap
    assert _files_of(result.uuid) == [result.pdf.name]


def test_an_enrolment_no_longer_completed_during_rendering_gets_no_certificate(
    enrollment, monkeypatch
):
    from certificates.services import CertificateIssueRefused
    from learners.models import Enrollment

    real = issuing.certificate_pdf_build

    def render(**kwargs):
        pdf = real(**kwargs)
        Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.ACTIVE)
        return pdf

    monkeypatch.setattr(issuing, "certificate_pdf_build", render)
    with pytest.raises(CertificateIssueRefused):
        certificate_issue(enrollment=enrollment)
    assert not Certificate.objects.exists()
    reservation = CertificateReservation.objects.get(enrollment=enrollment)
    assert _files_of(reservation.uuid) == []


@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_an_issuer_does_not_wait_for_another_ones_signature(
    production_services, learner, course_page
):
    """PostgreSQL: while one certificate is being signed (slow, e.g. a time-stamp
    authority), another enrolment's certificate is issued, and the enrolment being signed
    stays writable.

    No clock decides: the first issuer is held inside its signature until the test lets it
    go, and the second one runs meanwhile with PostgreSQL's lock timeout at its smallest,
    so that any lock it would have to wait for (the serial counter, the enrolment) fails it
    at once instead of making it wait."""
    from django.db import OperationalError

    from learners.models import Enrollment

    slow = factories.completed_enrollment(user=learner, course_page=course_page)
    other = factories.completed_enrollment(user=learner)
    certificate_issue(enrollment=factories.completed_enrollment(user=learner))  # year's counter
    real = issuing.certificate_pdf_build
    # ``reached`` is set when the first issuer starts signing, or ends before it does.
    signing, reached, release = threading.Event(), threading.Event(), threading.Event()

    def render(**kwargs):
        if kwargs["snapshot"]["course"]["page_id"] == course_page.pk:
            signing.set()
            reached.set()
            release.wait()
        return real(**kwargs)

    errors = []

    def slow_issuer():
        try:
            certificate_issue(enrollment=slow)
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            reached.set()
            connection.close()

    issuing.certificate_pdf_build = render
    thread = threading.Thread(target=slow_issuer)
    try:
        thread.start()
        reached.wait()
        assert signing.is_set(), f"the first issuer never reached its signature: {errors}"
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1ms'")
        try:
            fast = certificate_issue(enrollment=other)
            with transaction.atomic():
                Enrollment.objects.filter(pk=slow.pk).select_for_update(nowait=True).exists()
        except OperationalError as exc:
            pytest.fail(f"the second issuer waited for the first one's signature: {exc}")
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
    finally:
        release.set()
        thread.join()
        issuing.certificate_pdf_build = real
    assert not errors, errors
    assert fast.enrollment_id == other.pk
    serials = sorted(c.serial for c in Certificate.objects.all())
    assert [int(s[-6:]) for s in serials] == [1, 2, 3]
    # the second issuer, though it started later, took its serial before the first stored
    assert int(fast.serial[-6:]) == 3


@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_many_concurrent_deliveries_issue_one_certificate_without_gaps(
    production_services, learner, course_page
):
    enrollments = [factories.completed_enrollment(user=learner) for _ in range(4)]
    barrier = threading.Barrier(8)
    errors, results = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(certificate_issue_task.apply(args=[enrollments[i % 4].pk]).get())
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(set(results)) == 4
    for enrollment in enrollments:
        assert Certificate.objects.filter(enrollment=enrollment, status="valid").count() == 1
    assert sorted(int(c.serial[-6:]) for c in Certificate.objects.all()) == [1, 2, 3, 4]
    assert not CertificateReservation.objects.exists()


def test_the_sweep_issues_certificates_whose_task_was_lost(learner, course_page):
    from datetime import timedelta

    from django.utils import timezone

    from certificates.services import certificate_revoke
    from certificates.tasks import certificates_missing_issue_task
    from learners.models import Enrollment

    lost = factories.completed_enrollment(user=learner, course_page=course_page)
    recent = factories.completed_enrollment(user=learner)
    revoked = factories.completed_enrollment(user=learner)
    certificate_revoke(
        certificate=certificate_issue(enrollment=revoked),
        revoked_by=factories.base.platform_admin(),
        reason="Fraude",
    )
    Enrollment.objects.filter(pk__in=[lost.pk, revoked.pk]).update(
        completed_at=timezone.now() - timedelta(hours=1)
    )
    assert certificates_missing_issue_task.apply().get() == 1  # eager: issued at once
    assert Certificate.objects.filter(enrollment=lost, status="valid").count() == 1
    assert not Certificate.objects.filter(enrollment=recent).exists()  # its task may still run
    assert not Certificate.objects.filter(enrollment=revoked, status="valid").exists()
    assert certificates_missing_issue_task.apply().get() == 0
