"""Two tabs, double clicks and retries, for real: threads against PostgreSQL.

Runs in CI's production pass (DATABASE_URL and REDIS_URL set); SQLite serialises writes
anyway, and the same services are covered there by the other tests."""

import os
import threading
import uuid
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from learners import services
from learners.models import Enrollment, LessonProgress, Statement
from learners.xapi import VERBS
from tests import factories as base
from tests.learners import factories

# Skipped at collection (not only in a fixture) so that the SQLite pass sets up no
# transactional database for them. No serialized rollback: it clashes with content types
# re-created by other modules' transactional tests; factories.catalogue() re-creates the
# Wagtail root page and locale when a flush removed them.
pytestmark = [
    pytest.mark.skipif(
        not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")),
        reason="needs DATABASE_URL and REDIS_URL (production profile pass)",
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.production,
]

THREADS = 8


def run_concurrently(target, n=THREADS):
    """Start ``n`` threads that call ``target(i)`` at the same moment; re-raise any error."""
    barrier = threading.Barrier(n)
    errors, results = [], [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    if errors:
        raise errors[0]
    return results


@pytest.fixture
def setup(production_services):
    assert connection.vendor == "postgresql"
    region = base.region()
    user = base.UserFactory(username="concurrent.learner", unit=region)
    tree = factories.course_tree(modules=((True, 3),), final=True, pass_mark=70)
    return user, tree


def test_double_click_enrolment_creates_one_enrollment(setup):
    user, tree = setup
    results = run_concurrently(
        lambda i: services.enrollment_create(learner=user, course=tree.course).pk
    )
    assert len(set(results)) == 1
    assert Enrollment.objects.filter(user=user).count() == 1
    assert Statement.objects.filter(user=user, verb=VERBS["registered"]).count() == 1


def test_concurrent_scores_keep_the_best_one(setup):
    user, tree = setup
    lesson = tree.lessons[0]
    services.enrollment_create(learner=user, course=tree.course)
    scores = [Decimal(i + 1) / 10 for i in range(THREADS)]
    run_concurrently(
        lambda i: services.lesson_progress_record_score(
            user=user,
            lesson=lesson,
            score_scaled=scores[i],
            success=False,
            completed=False,
            source="quiz",
        )
    )
    progress = LessonProgress.objects.get(enrollment__user=user, lesson=lesson)
    assert progress.best_score == Decimal("80.00")
    assert LessonProgress.objects.filter(enrollment__user=user).count() == 1


def test_concurrent_heartbeats_never_exceed_wall_time(setup):
    user, tree = setup
    lesson = tree.lessons[0]
    t0 = timezone.now()
    services.lesson_visit_record(user=user, lesson=lesson, now=t0)
    t1 = t0 + timedelta(seconds=30)
    # the same heartbeat sent by eight tabs / retries
    run_concurrently(
        lambda i: services.lesson_heartbeat_record(user=user, lesson=lesson, seconds=30, now=t1)
    )
    assert LessonProgress.objects.get(lesson=lesson).time_spent_seconds == 30


def test_concurrent_lesson_completions_complete_the_course_once(setup):
    user, tree = setup
    services.enrollment_create(learner=user, course=tree.course)
    services.assessment_attempt_recorded(
        attempt_id=factories.final_attempt(user=user, course=tree.course, percent=90).pk
    )
    lessons = tree.lessons
    with mock.patch("learners.services.completion._queue_completion_followups") as followups:
        run_concurrently(
            lambda i: services.lesson_visit_record(user=user, lesson=lessons[i % len(lessons)]), n=6
        )
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert LessonProgress.objects.filter(enrollment=enrollment, status="completed").count() == 3
    assert Statement.objects.filter(user=user, verb=VERBS["completed"]).count() == 1
    assert followups.call_count == 1


def test_concurrent_evaluations_record_one_completion(setup):
    user, tree = setup
    enrollment = services.enrollment_create(learner=user, course=tree.course)
    for lesson in tree.lessons:
        LessonProgress.objects.create(
            enrollment=enrollment, lesson=lesson, status="completed", completed_at=timezone.now()
        )
    factories.final_attempt(user=user, course=tree.course, percent=95)
    with mock.patch("learners.services.completion._queue_completion_followups") as followups:
        results = run_concurrently(
            lambda i: services.course_completion_evaluate(enrollment=enrollment)
        )
    assert all(results)
    assert followups.call_count == 1
    assert Statement.objects.filter(user=user, verb=VERBS["completed"]).count() == 1


def test_same_statement_posted_concurrently_is_stored_once(setup):
    user, _tree = setup
    statement = {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"id": "https://example.org/activities/concurrent"},
        "result": {"score": {"scaled": 0.5}},
    }
    results = run_concurrently(
        lambda i: (
            services.statements_record(user=user, statements=[dict(statement)])[0].statement_id
        )
    )
    assert len(set(results)) == 1
    assert Statement.objects.filter(statement_id=statement["id"]).count() == 1


def test_batches_posted_concurrently_lose_nothing(setup):
    user, _tree = setup
    batches = [
        [
            {
                "id": str(uuid.uuid4()),
                "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
                "object": {"id": f"https://example.org/activities/{i}/{k}"},
            }
            for k in range(50)
        ]
        for i in range(THREADS)
    ]
    run_concurrently(lambda i: services.statements_record(user=user, statements=batches[i]))
    assert Statement.objects.filter(user=user).count() == THREADS * 50


def test_enrolment_stays_writable_while_its_email_is_sent(setup, monkeypatch):
    """A slow mail server does not hold the enrolment row: the learner's own writes
    (a heartbeat, a completion) go on meanwhile."""
    import django.db

    from learners import tasks

    user, tree = setup
    # The confirmation is sent below, by hand, through the slow mail server. Left to the
    # eager task that enrolling queues on commit (at once: this test runs in autocommit),
    # it would be sent and logged before the thread below starts, and that thread would
    # then find the notice taken and never reach the mail server.
    queued = mock.Mock()
    monkeypatch.setattr(tasks, "send_enrollment_confirmation", queued)
    enrollment = services.enrollment_create(learner=user, course=tree.course)
    queued.delay_on_commit.assert_called_once_with(enrollment.pk)
    # ``reached`` is set when the thread reaches the mail server or ends without reaching
    # it: the test goes on at that moment, whatever the machine's speed.
    sending, reached, release = threading.Event(), threading.Event(), threading.Event()

    def slow_send(*args, **kwargs):
        sending.set()
        reached.set()
        release.wait()
        return 1

    monkeypatch.setattr("learners.services.notifications.send_mail", slow_send)
    errors = []

    def send():
        try:
            services.notification_send(enrollment_id=enrollment.pk, kind="enrolled")
        except Exception as exc:  # noqa: BLE001 - re-raised below
            errors.append(exc)
        finally:
            reached.set()
            connection.close()

    thread = threading.Thread(target=send)
    thread.start()
    try:
        reached.wait()
        assert sending.is_set(), f"the mail server was never reached: {errors}"
        try:
            with django.db.transaction.atomic():
                Enrollment.objects.select_for_update(nowait=True).filter(pk=enrollment.pk).exists()
        except django.db.OperationalError:
            pytest.fail("the enrolment row stays locked while its e-mail is sent")
    finally:
        release.set()
        thread.join()
    assert not errors, errors
    assert enrollment.notifications.get(kind="enrolled").sent_at is not None
