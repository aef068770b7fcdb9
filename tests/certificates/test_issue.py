import hashlib
import re

import pytest
from django.core.exceptions import ValidationError

from certificates.models import Certificate, SerialCounter
from certificates.selectors import certificate_pdf_bytes
from certificates.services import (
    CertificateIssueRefused,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
)
from certificates.tasks import certificate_issue_task
from learners.models import Enrollment
from tests.certificates import factories

pytestmark = pytest.mark.django_db


def test_certificate_issue_freezes_snapshot_and_stores_signed_pdf(enrollment, small_tree):
    certificate = certificate_issue(enrollment=enrollment)

    assert certificate.status == Certificate.Status.VALID
    assert re.fullmatch(r"AC-\d{4}-\d{6}", certificate.serial)
    pdf = certificate_pdf_bytes(certificate)
    assert pdf.startswith(b"%PDF-")
    assert hashlib.sha256(pdf).hexdigest() == certificate.sha256
    s = certificate.snapshot
    assert s["serial"] == certificate.serial and s["uuid"] == str(certificate.uuid)
    assert s["learner"] == {
        "name_latin": "Fatima-Zahra El Idrissi",
        "name_arabic": "فاطمة الزهراء الإدريسي",
        "matricule": "M004512",
    }
    assert s["course"]["title_fr"] == "Sécurité de l'information"
    assert s["course"]["title_ar"] == "أمن المعلومات"
    assert s["course"]["hours"] == "12.50"
    assert s["final_score"] == "87.50"
    # the unit with its ancestors, from the region down
    assert [u["name_fr"] for u in s["unit"]] == ["Oriental", "Berkane", "Berkane"]
    assert s["unit"][0]["name_ar"] == "الشرق"
    assert s["signatory"]["name_ar"] == "أحمد بنعلي"
    assert s["template"]["layout_version"] == 1


def test_certificate_issue_falls_back_to_french_title_and_default_template(learner):
    course_page = factories.course(title_fr="Cours sans traduction")  # no template either
    certificate = certificate_issue(
        enrollment=factories.completed_enrollment(user=learner, course_page=course_page)
    )
    assert certificate.snapshot["course"]["title_ar"] == "Cours sans traduction"
    assert certificate.template.name == "Académie — modèle par défaut"
    assert certificate.snapshot["signatory"]["name_ar"] == "مديرية التكوين"


def test_certificate_issue_refuses_a_course_without_certificate(enrollment, course_page):
    course_page.awards_certificate = False
    course_page.save()
    with pytest.raises(CertificateIssueRefused) as refused:
        certificate_issue(enrollment=enrollment)
    assert refused.value.code == "no_certificate"
    assert not Certificate.objects.exists()


def test_certificate_issue_reads_and_writes_in_a_fixed_number_of_queries(
    enrollment, learner, django_assert_num_queries
):
    certificate_issue(enrollment=factories.completed_enrollment(user=learner))  # year's counter
    # Reserving: savepoint, locked read (learner, course, held certificates), pending
    # reservation, template, unit lineage, serial, reservation insert, release.
    # Storing (after signing, no lock held meanwhile): savepoint, locked read again,
    # reservation consumed, certificate insert, release.
    with django_assert_num_queries(13):
        certificate_issue(enrollment=enrollment)
    # already issued: the locked read and the certificate
    with django_assert_num_queries(4):
        certificate_issue(enrollment=enrollment)


def test_certificate_issue_refuses_incomplete_enrollment(enrollment):
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.ACTIVE, completed_at=None
    )
    enrollment.refresh_from_db()
    with pytest.raises(CertificateIssueRefused):
        certificate_issue(enrollment=enrollment)
    assert not Certificate.objects.exists()
    assert certificate_issue_task.apply(args=[enrollment.pk]).get() is None


def test_certificate_issue_task_is_idempotent_when_retried(enrollment):
    first = certificate_issue_task.apply(args=[enrollment.pk]).get()
    second = certificate_issue_task.apply(args=[enrollment.pk]).get()

    assert first == second
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
    assert SerialCounter.objects.get().last == 1


def test_certificate_issue_leaves_nothing_when_the_worker_dies_midway(enrollment, monkeypatch):
    from certificates.services import issue as issuing

    def crash(**kwargs):
        raise RuntimeError("worker killed while signing")

    monkeypatch.setattr(issuing, "certificate_pdf_build", crash)
    with pytest.raises(RuntimeError):
        certificate_issue_task.apply(args=[enrollment.pk]).get()
    assert not Certificate.objects.exists()
    # the serial drawn stays reserved for this enrolment (see test_issue_locks.py)
    assert SerialCounter.objects.get().last == 1

    monkeypatch.undo()
    certificate_issue_task.apply(args=[enrollment.pk]).get()
    certificate_issue_task.apply(args=[enrollment.pk]).get()
    certificate = Certificate.objects.get(enrollment=enrollment)
    assert certificate.serial.endswith("-000001")


def test_database_refuses_a_second_valid_certificate(enrollment):
    from django.db import IntegrityError, transaction

    certificate = certificate_issue(enrollment=enrollment)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            enrollment=enrollment,
            serial="AC-2000-000001",
            issued_at=certificate.issued_at,
            snapshot={},
            sha256="0" * 64,
        )


def test_serials_follow_each_other(learner, course_page):
    other = factories.course(title_fr="Autre cours")
    a = certificate_issue(
        enrollment=factories.completed_enrollment(user=learner, course_page=course_page)
    )
    b = certificate_issue(
        enrollment=factories.completed_enrollment(user=learner, course_page=other)
    )
    assert int(b.serial[-6:]) == int(a.serial[-6:]) + 1


def test_snapshot_unchanged_after_course_renamed(enrollment, course_page):
    certificate = certificate_issue(enrollment=enrollment)
    course_page.title = "Nouveau titre"
    course_page.save()
    learner = enrollment.user
    learner.last_name = "Changed"
    learner.save()

    certificate.refresh_from_db()
    assert certificate.snapshot["course"]["title_fr"] == "Sécurité de l'information"
    assert certificate.snapshot["learner"]["name_latin"] == "Fatima-Zahra El Idrissi"
    # issuing again returns the frozen certificate, not a new one
    assert certificate_issue(enrollment=enrollment).pk == certificate.pk


def test_certificate_reissue_supersedes_the_old_one(enrollment):
    old = certificate_issue(enrollment=enrollment)
    user = enrollment.user
    user.last_name = "El Idrissi-Alaoui"
    user.save()

    new = certificate_reissue(certificate=old)

    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert old.superseded_by == new
    assert old.superseded_at is not None
    assert new.status == Certificate.Status.VALID
    assert new.serial != old.serial
    assert new.snapshot["learner"]["name_latin"] == "Fatima-Zahra El Idrissi-Alaoui"
    assert old.snapshot["learner"]["name_latin"] == "Fatima-Zahra El Idrissi"
    with pytest.raises(ValidationError):
        certificate_reissue(certificate=old)


def test_certificate_revoke_records_date_reason_and_who(enrollment):
    admin = factories.base.platform_admin()
    certificate = certificate_issue(enrollment=enrollment)

    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, revoked_by=admin, reason="  ")
    revoked = certificate_revoke(
        certificate=certificate, revoked_by=admin, reason="Fraude à l'examen"
    )

    assert revoked.status == Certificate.Status.REVOKED
    assert revoked.revoked_at is not None
    assert revoked.revoked_by == admin
    assert revoked.revocation_reason == "Fraude à l'examen"
    # the completion task running again must not hand a new certificate out
    with pytest.raises(CertificateIssueRefused):
        certificate_issue(enrollment=enrollment)
    assert certificate_issue_task.apply(args=[enrollment.pk]).get() is None
    # an administrator may decide otherwise, explicitly
    again = certificate_issue(enrollment=enrollment, issued_by=admin, allow_after_revocation=True)
    assert again.status == Certificate.Status.VALID and again.pk != revoked.pk


@pytest.mark.production
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_issue_one_certificate(production_services, enrollment):
    """Two deliveries of the task running at the same time (PostgreSQL row locks)."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(certificate_issue_task.apply(args=[enrollment.pk]).get())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 2 and results[0] == results[1]
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1
