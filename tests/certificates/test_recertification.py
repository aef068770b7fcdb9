"""Certificate validity and recertification (issue 16): the expiry date frozen at issue,
its state by date on the public pages, renewal reminders, supersession on renewal."""

import datetime as dt
import shutil

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from certificates.models import Certificate, CertificateReservation, SerialCounter
from certificates.rendering.content import ARABIC_MONTHS, date_long
from certificates.selectors import (
    certificate_pdf_bytes,
    certificates_held_valid,
    certificates_renewal_due,
    users_with_valid_certificate,
    valid_certificate_q,
)
from certificates.services import (
    certificate_issue,
    certificate_reissue,
    certificate_renewal_reminders_send,
    certificate_revoke,
    months_after,
)
from learners.models import Enrollment
from learners.services import enrollment_retake_start
from tests.certificates import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clear_cache")]


def issue_back_dated(enrollment, *, days_left: int, months: int = 24) -> Certificate:
    """A certificate issued ``months`` before the day ``days_left`` days from today (so it
    expires then), its enrolment completed just before."""
    expiry = timezone.localdate() + dt.timedelta(days=days_left)
    issued_at = timezone.make_aware(
        dt.datetime.combine(months_after(expiry, -months), dt.time(10, 0))
    )
    Enrollment.objects.filter(pk=enrollment.pk).update(
        completed_at=issued_at - dt.timedelta(hours=1)
    )
    enrollment.refresh_from_db()
    return certificate_issue(enrollment=enrollment, issued_at=issued_at)


def complete_again(enrollment) -> Enrollment:
    """What the completion engine records when a re-taken course is completed again."""
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )
    enrollment.refresh_from_db()
    return enrollment


# -- the expiry date, frozen ------------------------------------------------------------


def test_months_after_keeps_the_day_or_takes_the_end_of_a_shorter_month():
    assert months_after(dt.date(2026, 11, 30), 24) == dt.date(2028, 11, 30)
    assert months_after(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert months_after(dt.date(2028, 2, 29), 12) == dt.date(2029, 2, 28)
    assert months_after(dt.date(2026, 12, 15), -24) == dt.date(2024, 12, 15)


def test_expiry_date_is_frozen_in_the_snapshot_and_never_recomputed(enrollment, expiring_course):
    certificate = certificate_issue(enrollment=enrollment)
    expected = months_after(timezone.localdate(certificate.issued_at), 24)
    assert certificate.valid_until == expected
    assert certificate.snapshot["valid_until"] == expected.isoformat()
    assert certificate.course_id == expiring_course.pk

    # The course's validity period changes later: the certificate keeps what it says.
    expiring_course.certificate_validity_months = 6
    expiring_course.save()
    certificate.refresh_from_db()
    assert certificate.valid_until == expected
    assert certificate.snapshot["valid_until"] == expected.isoformat()


def test_a_course_without_validity_period_issues_certificates_that_never_expire(enrollment):
    certificate = certificate_issue(enrollment=enrollment)
    assert certificate.valid_until is None
    assert certificate.snapshot["valid_until"] is None
    assert certificate.state_on(dt.date(2100, 1, 1)) == "valid"


def test_a_reissued_certificate_keeps_the_expiry_date_of_the_one_it_corrects(
    enrollment, expiring_course
):
    old = issue_back_dated(enrollment, days_left=100)
    new = certificate_reissue(certificate=old)
    assert new.valid_until == old.valid_until
    assert new.snapshot["valid_until"] == old.valid_until.isoformat()


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")
def test_pdf_prints_valid_until_in_french_and_arabic(enrollment, expiring_course, tmp_path):
    from tests.certificates.test_pdf import pdf_text

    certificate = certificate_issue(enrollment=enrollment)
    path = tmp_path / "c.pdf"
    path.write_bytes(certificate_pdf_bytes(certificate))
    text = pdf_text(path)
    assert f"valable jusqu'au {date_long(certificate.valid_until, 'fr')}" in text
    assert "صالحة إلى غاية" in text
    # pdftotext returns the Arabic runs in visual pieces: the day, month and year are there.
    until = certificate.valid_until
    assert f"{ARABIC_MONTHS[until.month - 1]}" in text.split("صالحة إلى غاية")[0][-40:]
    assert f"{until.year}" in text.split("صالحة إلى غاية")[0][-40:]


# -- state by date: public page, file verification ----------------------------------------


def test_state_is_read_by_date_not_by_a_stored_flag(enrollment, expiring_course):
    certificate = issue_back_dated(enrollment, days_left=-1)
    assert certificate.status == Certificate.Status.VALID  # nothing flipped it
    assert certificate.state_on(timezone.localdate()) == "expired"
    assert certificate.state_on(certificate.valid_until) == "valid"
    assert not Certificate.objects.filter(valid_certificate_q(on=timezone.localdate())).exists()
    assert Certificate.objects.filter(valid_certificate_q(on=certificate.valid_until)).exists()


@pytest.mark.parametrize(
    ("language", "valid", "expired"),
    [
        ("fr", "Certificat valide", "Certificat expiré"),
        ("ar", "شهادة صالحة", "شهادة منتهية الصلاحية"),
    ],
)
def test_verify_page_says_valid_until_or_expired_on_with_the_date(
    client, settings, learner, expiring_course, language, valid, expired
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    current = issue_back_dated(
        factories.completed_enrollment(user=learner, course_page=expiring_course), days_left=10
    )
    html = client.get(f"/verify/{current.uuid}/").content.decode()
    assert valid in html and date_long(current.valid_until, language) in html
    assert 'class="status-valid"' in html and 'class="callout verdict-genuine"' in html

    other = factories.completed_enrollment(course_page=expiring_course)
    old = issue_back_dated(other, days_left=-3)
    html = client.get(f"/verify/{old.uuid}/").content.decode()
    assert expired in html and date_long(old.valid_until, language) in html
    assert 'class="status-expired"' in html and 'class="callout verdict-tampered"' in html


def test_verify_page_says_revoked_and_superseded_with_their_dates(
    client, enrollment, expiring_course
):
    old = issue_back_dated(enrollment, days_left=5)
    enrollment_retake_start(enrollment=enrollment)
    new = certificate_issue(enrollment=complete_again(enrollment))

    html = client.get(f"/verify/{old.uuid}/").content.decode()
    old.refresh_from_db()
    with translation.override("fr"):
        superseded_on = date_format(timezone.localtime(old.superseded_at), "DATE_FORMAT")
    assert "Certificat remplacé" in html
    assert f"Remplacé le {superseded_on}" in html
    assert new.serial in html

    certificate_revoke(certificate=new, revoked_by=None, reason="Erreur de saisie")
    html = client.get(f"/verify/{new.uuid}/").content.decode()
    assert "Certificat révoqué" in html and "Erreur de saisie" in html


def upload(client, data: bytes):
    return client.post(
        reverse("certificates:verify_form"),
        {"file": SimpleUploadedFile("c.pdf", data, content_type="application/pdf")},
    )


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_file_verification_says_a_genuine_file_has_expired(
    client, settings, enrollment, expiring_course, language
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    certificate = issue_back_dated(enrollment, days_left=-30)
    response = upload(client, certificate_pdf_bytes(certificate))
    assert response.status_code == 200
    assert response.context["verdict"].outcome == "genuine"
    assert response.context["state"] == "expired"
    html = response.content.decode()
    assert 'class="status-expired"' in html
    assert date_long(certificate.valid_until, language) in html


def test_file_verification_of_a_renewed_certificate_says_superseded(
    client, enrollment, expiring_course
):
    old = issue_back_dated(enrollment, days_left=5)
    enrollment_retake_start(enrollment=enrollment)
    new = certificate_issue(enrollment=complete_again(enrollment))
    response = upload(client, certificate_pdf_bytes(old))
    assert response.context["state"] == "superseded"
    assert new.serial in response.content.decode()


# -- recertification: supersession, exactly once -------------------------------------------


def test_retaking_the_course_issues_a_new_certificate_that_supersedes_the_old(
    enrollment, expiring_course
):
    old = issue_back_dated(enrollment, days_left=10)
    # Nothing happens while the course is being re-taken.
    enrollment_retake_start(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.completed_at
    old.refresh_from_db()
    assert old.status == Certificate.Status.VALID

    new = certificate_issue(enrollment=complete_again(enrollment))
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert old.superseded_by == new and old.superseded_at is not None
    assert new.status == Certificate.Status.VALID
    assert new.snapshot["renews"] == old.serial
    assert new.valid_until == months_after(timezone.localdate(new.issued_at), 24)
    # The renewal drew the next serial of its year, once: no gap in the numbering.
    assert SerialCounter.objects.get(year=new.issued_at.year).last == int(new.serial[-6:])

    # Exactly once: a redelivered issuing task returns the same certificate.
    assert certificate_issue(enrollment=enrollment) == new
    assert Certificate.objects.filter(enrollment=enrollment).count() == 2
    assert not CertificateReservation.objects.exists()


def test_an_issue_retried_after_a_lost_delivery_reuses_the_renewal_reservation(
    enrollment, expiring_course, monkeypatch
):
    """The worker died after reserving the renewal's serial: the retry prints the same
    serial and still supersedes the old certificate."""
    from certificates.services import issue as issuing

    old = issue_back_dated(enrollment, days_left=10)
    enrollment_retake_start(enrollment=enrollment)
    complete_again(enrollment)

    def dies(reservation):
        raise SystemExit("worker killed while signing")

    monkeypatch.setattr(issuing, "_certificate_render", dies)
    with pytest.raises(SystemExit):
        certificate_issue(enrollment=enrollment)
    reserved = CertificateReservation.objects.get(enrollment=enrollment)
    assert reserved.replaces_id == old.pk
    monkeypatch.undo()

    new = certificate_issue(enrollment=enrollment)
    assert new.serial == reserved.serial
    old.refresh_from_db()
    assert old.superseded_by == new
    assert not CertificateReservation.objects.exists()


def test_a_recertification_course_renews_the_certificate_of_the_course_it_serves(
    learner, expiring_course
):
    refresher = factories.course(title_fr="Recyclage sécurité", title_ar="تكوين تجديدي")
    expiring_course.recertification_course = refresher
    expiring_course.save()
    old = issue_back_dated(
        factories.completed_enrollment(user=learner, course_page=expiring_course), days_left=-5
    )
    refresher_enrollment = factories.completed_enrollment(user=learner, course_page=refresher)

    new = certificate_issue(enrollment=refresher_enrollment)
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED and old.superseded_by == new
    # It certifies the course it renews, for that course's validity period.
    assert new.course_id == expiring_course.pk
    assert new.snapshot["course"]["title_fr"] == "Sécurité de l'information"
    assert new.snapshot["renews"] == old.serial
    assert new.valid_until == months_after(timezone.localdate(new.issued_at), 24)
    assert certificate_issue(enrollment=refresher_enrollment) == new


def test_another_learners_recertification_never_supersedes_my_certificate(learner, expiring_course):
    refresher = factories.course(title_fr="Recyclage", title_ar="تجديد")
    expiring_course.recertification_course = refresher
    expiring_course.save()
    mine = issue_back_dated(
        factories.completed_enrollment(user=learner, course_page=expiring_course), days_left=5
    )
    certificate_issue(enrollment=factories.completed_enrollment(course_page=refresher))
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.VALID


# -- the selector HR campaigns read --------------------------------------------------------


def test_users_with_valid_certificate_by_date_in_one_query(
    learner, expiring_course, django_assert_num_queries
):
    today = timezone.localdate()
    holder = issue_back_dated(
        factories.completed_enrollment(user=learner, course_page=expiring_course), days_left=3
    )
    lapsed = issue_back_dated(
        factories.completed_enrollment(course_page=expiring_course), days_left=-1
    )
    revoked = certificate_issue(
        enrollment=factories.completed_enrollment(course_page=expiring_course)
    )
    certificate_revoke(certificate=revoked, revoked_by=None, reason="Fraude")
    other_course = factories.course(title_fr="Autre")
    certificate_issue(enrollment=factories.completed_enrollment(course_page=other_course))

    holder_id = holder.enrollment.user_id
    lapsed_id = lapsed.enrollment.user_id
    with django_assert_num_queries(1):
        ids = set(users_with_valid_certificate(course_ids=[expiring_course.pk], on=today))
    assert ids == {holder_id}
    assert set(
        users_with_valid_certificate(course_ids=[expiring_course.pk], on=lapsed.valid_until)
    ) == {holder_id, lapsed_id}
    assert holder_id not in set(
        users_with_valid_certificate(
            course_ids=[expiring_course.pk], on=holder.valid_until + dt.timedelta(days=1)
        )
    )


# -- renewal reminders -----------------------------------------------------------------------


def test_renewal_reminder_is_sent_once_in_both_languages_when_the_window_opens(
    learner, expiring_course
):
    learner.email = "fz@example.ma"
    learner.preferred_language = "ar"
    learner.save()
    due = issue_back_dated(
        factories.completed_enrollment(user=learner, course_page=expiring_course), days_left=20
    )
    issue_back_dated(factories.completed_enrollment(course_page=expiring_course), days_left=90)

    assert list(certificates_renewal_due(on=timezone.localdate())) == [due]
    assert certificate_renewal_reminders_send() == 1
    assert certificate_renewal_reminders_send() == 0  # never twice
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["fz@example.ma"]
    # Arabic (the learner's language) first, then French.
    assert message.body.index("يمكنكم تجديدها") < message.body.index("Vous pouvez le renouveler")
    assert due.serial in message.body
    assert date_long(due.valid_until, "ar") in message.body
    assert date_long(due.valid_until, "fr") in message.body
    assert "أمن المعلومات" in message.body and "Sécurité de l'information" in message.body
    due.refresh_from_db()
    assert due.renewal_reminded_at is not None


def test_no_reminder_for_a_revoked_or_superseded_certificate(learner, expiring_course):
    learner.email = "fz@example.ma"
    learner.save()
    enrollment = factories.completed_enrollment(user=learner, course_page=expiring_course)
    old = issue_back_dated(enrollment, days_left=20)
    enrollment_retake_start(enrollment=enrollment)
    certificate_issue(enrollment=complete_again(enrollment))
    revoked = issue_back_dated(
        factories.completed_enrollment(course_page=expiring_course, email="x@example.ma"),
        days_left=10,
    )
    certificate_revoke(certificate=revoked, revoked_by=None, reason="Fraude")
    assert certificate_renewal_reminders_send() == 0
    old.refresh_from_db()
    assert old.renewal_reminded_at is None


def test_a_failed_reminder_is_given_back_for_the_next_run(learner, expiring_course, monkeypatch):
    from certificates import services

    learner.email = "fz@example.ma"
    learner.save()
    due = issue_back_dated(
        factories.completed_enrollment(user=learner, course_page=expiring_course), days_left=5
    )

    def smtp_down(*args, **kwargs):
        raise OSError("SMTP server unreachable")

    monkeypatch.setattr("django.core.mail.send_mail", smtp_down)
    assert services.certificate_renewal_reminders_send() == 0
    due.refresh_from_db()
    assert due.renewal_reminded_at is None
    monkeypatch.undo()
    assert services.certificate_renewal_reminders_send() == 1


def test_the_beat_schedules_the_renewal_reminders(settings):
    from certificates.tasks import certificate_renewal_reminders_task

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "certificates.tasks.certificate_renewal_reminders_task" in tasks
    assert certificate_renewal_reminders_task.name in tasks


def test_certificates_held_valid_keeps_the_first_issue_date_across_renewals(
    learner, expiring_course, django_assert_num_queries
):
    enrollment = factories.completed_enrollment(user=learner, course_page=expiring_course)
    first = issue_back_dated(enrollment, days_left=10)
    enrollment_retake_start(enrollment=enrollment)
    certificate_issue(enrollment=complete_again(enrollment))
    lapsed = issue_back_dated(
        factories.completed_enrollment(course_page=expiring_course), days_left=-1
    )
    users = [learner.pk, lapsed.enrollment.user_id]
    with django_assert_num_queries(1):
        held = certificates_held_valid(user_ids=users, course_ids=[expiring_course.pk])
    assert held == {(learner.pk, expiring_course.pk): timezone.localdate(first.issued_at)}
    on_old_day = certificates_held_valid(
        user_ids=users, course_ids=[expiring_course.pk], on=lapsed.valid_until
    )
    assert (lapsed.enrollment.user_id, expiring_course.pk) in on_old_day
