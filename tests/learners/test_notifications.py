from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from learners import services, tasks
from learners.models import Enrollment, Notification
from tests import factories as base
from tests.learners import factories

pytestmark = pytest.mark.django_db


def _age(enrollment, days):
    past = timezone.now() - timedelta(days=days)
    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=past, enrolled_at=past)


def test_enrolment_confirmation_in_the_learners_language(
    learner, django_capture_on_commit_callbacks
):
    learner.preferred_language = "ar"
    learner.save()
    tree = factories.course_tree(title="Cours confirmé")
    copies = factories.translate_tree(tree)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(learner=learner, course=tree.course)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [learner.email]
    assert copies[tree.course.pk].title in message.subject
    assert "تم تسجيلك" in message.subject
    assert "/ar/" in message.body
    # a double click does not send a second e-mail
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(learner=learner, course=tree.course)
    assert len(mail.outbox) == 1


def test_enrolment_confirmation_in_french(learner, django_capture_on_commit_callbacks):
    tree = factories.course_tree(title="L'accueil & le numérique")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(learner=learner, course=tree.course)
    # Plain text: no HTML escaping of apostrophes or ampersands in the subject.
    assert "Inscription confirmée : L'accueil & le numérique" == mail.outbox[0].subject


@override_settings(ACADEMIE_INACTIVITY_REMINDER_DAYS=7)
def test_inactivity_reminder_once_per_period(learner, tree):
    enrollment = services.enrollment_create(learner=learner, course=tree.course)
    _age(enrollment, 3)
    assert tasks.send_inactivity_reminders() == 0
    _age(enrollment, 8)
    assert tasks.send_inactivity_reminders() == 1
    assert "Poursuivez votre cours" in mail.outbox[-1].subject
    assert "7 jours" in mail.outbox[-1].body
    # the beat runs every six hours: no second reminder in the same period
    assert tasks.send_inactivity_reminders() == 0
    assert tasks.send_inactivity_reminders() == 0
    assert Notification.objects.filter(kind="reminder").count() == 1
    # a week later, still inactive: one more
    now = timezone.now() + timedelta(days=8)
    assert services.inactivity_reminders_send(now=now) == 1
    assert services.inactivity_reminders_send(now=now) == 0


@override_settings(ACADEMIE_INACTIVITY_REMINDER_DAYS=7)
def test_no_reminder_after_recent_activity(learner, tree):
    enrollment = services.enrollment_create(learner=learner, course=tree.course)
    _age(enrollment, 10)
    services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
    assert tasks.send_inactivity_reminders() == 0


@override_settings(ACADEMIE_INACTIVITY_REMINDER_DAYS=7)
def test_reminders_stop_after_completion(learner):
    tree = factories.course_tree(modules=((True, 1),), final=False)
    services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
    enrollment = Enrollment.objects.get(user=learner)
    assert enrollment.status == Enrollment.Status.COMPLETED
    _age(enrollment, 30)
    mail.outbox.clear()
    assert tasks.send_inactivity_reminders() == 0
    assert services.inactivity_reminders_send(now=timezone.now() + timedelta(days=60)) == 0
    # even a reminder queued earlier for this enrolment is not sent any more
    assert (
        services.notification_send(enrollment_id=enrollment.pk, kind="reminder", period_key="x")
        is False
    )
    assert mail.outbox == []


def test_completion_congratulations_sent_once(learner, django_capture_on_commit_callbacks):
    tree = factories.course_tree(modules=((True, 1),), final=False, awards_certificate=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_visit_record(user=learner, lesson=tree.lessons[0])
    subjects = [m.subject for m in mail.outbox]
    assert any(s.startswith("Félicitations") for s in subjects)
    enrollment = Enrollment.objects.get(user=learner)
    assert tasks.send_completion_congratulations(enrollment.pk) is False
    assert Notification.objects.filter(enrollment=enrollment, kind="completed").count() == 1


def test_no_congratulations_for_active_enrollment(learner, tree):
    enrollment = services.enrollment_create(learner=learner, course=tree.course)
    assert tasks.send_completion_congratulations(enrollment.pk) is False


def test_learner_without_email_gets_nothing(tree):
    user = base.UserFactory(username="no.mail", email="")
    enrollment = services.enrollment_create(learner=user, course=tree.course)
    assert tasks.send_enrollment_confirmation(enrollment.pk) is False
    assert not Notification.objects.exists()


def test_failed_send_leaves_no_log_so_a_retry_can_send(learner, tree, monkeypatch):
    enrollment = services.enrollment_create(learner=learner, course=tree.course)

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("learners.services.notifications.send_mail", broken)
    with pytest.raises(OSError):
        tasks.send_enrollment_confirmation(enrollment.pk)
    assert not Notification.objects.exists()
    monkeypatch.undo()
    assert tasks.send_enrollment_confirmation(enrollment.pk) is True


def test_email_is_sent_after_the_enrolment_lock_is_released(learner, tree, monkeypatch):
    """The e-mail goes out with no transaction open (no row lock held on the enrolment)."""
    from django.db import connection

    enrollment = services.enrollment_create(learner=learner, course=tree.course)
    depth = len(connection.atomic_blocks)
    open_blocks = []
    real = notifications_module().send_mail

    def spy(*args, **kwargs):
        open_blocks.append(len(connection.atomic_blocks) - depth)
        assert Notification.objects.filter(enrollment=enrollment, sent_at__isnull=True).exists()
        return real(*args, **kwargs)

    monkeypatch.setattr("learners.services.notifications.send_mail", spy)
    assert tasks.send_enrollment_confirmation(enrollment.pk) is True
    assert open_blocks == [0]
    assert Notification.objects.get(enrollment=enrollment).sent_at is not None
    assert tasks.send_enrollment_confirmation(enrollment.pk) is False
    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_the_timeout(learner, tree):
    enrollment = services.enrollment_create(learner=learner, course=tree.course)
    claimed = timezone.now() - timedelta(minutes=2)
    note = Notification.objects.create(
        enrollment=enrollment, kind="enrolled", language="fr", created_at=claimed
    )
    # another delivery may still be sending it: not taken yet
    assert tasks.send_enrollment_confirmation(enrollment.pk) is False
    assert mail.outbox == []
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert tasks.send_enrollment_confirmation(enrollment.pk) is True
    assert len(mail.outbox) == 1
    assert Notification.objects.get().sent_at is not None
    assert tasks.send_enrollment_confirmation(enrollment.pk) is False


def notifications_module():
    from learners.services import notifications

    return notifications
