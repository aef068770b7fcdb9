"""Demo progress: enrolments, lesson progress and completions of the demo learners.

Everything goes through the real services (enrolment, lesson visits and heartbeats,
quiz attempts graded by the courses app, H5P results posted as xAPI statements, the
completion engine), so the demo shows what a real learner would have produced.
Idempotent: steps already done are skipped. Runs after ``courses.demo`` and the demo
accounts; missing users or courses are skipped with a note in the returned summary.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from courses import selectors as courses_selectors
from courses.models import CoursePage

from .models import Enrollment, LessonProgress
from .services import (
    enrollment_get_or_create,
    lesson_heartbeat_record,
    lesson_progress_record_score,
    lesson_visit_record,
    statements_record,
)

# username → [(course slug, "complete" | number of lessons to take)]
DEMO_PLAN = {
    "learner.berkane": [
        ("cybersecurite", "complete"),
        ("administration-numerique", 3),
        ("competences-numeriques", 0),
    ],
    "learner.aklim": [("competences-numeriques", "complete"), ("cybersecurite", 2)],
    "learner.tiznit": [("administration-numerique", 1)],
}


def _correct_answer(question: dict):
    kind, correct = question["type"], question["correct"]
    if kind == "single":
        return str(correct[0])
    if kind == "multiple":
        return [str(i) for i in correct]
    if kind == "true_false":
        return "true" if correct else "false"
    if kind == "numeric":
        return str(correct)
    return correct[0] if correct else ""


def _pass_quiz(*, user, page, block_id: str = "") -> None:
    """Start and submit an attempt with the right answers, through the courses services."""
    from courses.services.quizzes import quiz_attempt_start, quiz_attempt_submit, quiz_source

    attempt = quiz_attempt_start(
        user=user, page=page, block_id=block_id, language=user.preferred_language
    )
    keys = {q["id"]: q for q in quiz_source(page=page, block_id=block_id)["questions"]}
    answers = {
        item["id"]: _correct_answer(keys[item["id"]])
        for item in attempt.questions
        if item["id"] in keys
    }
    quiz_attempt_submit(attempt=attempt, user=user, answers=answers)


def _serve_player(*, user, lesson, activity) -> None:
    """Open the activity's player in the lesson as the learner's browser does (the lesson
    frames it), then wait as long as a person would at least: the server counts an H5P
    result only from a learner it served the player to, ``MIN_SECONDS_BEFORE_RESULT``
    (courses.h5p, 1 s by default) before."""
    from django.test import Client

    site = urlsplit(settings.SITE_URL or "http://localhost")
    client = Client(HTTP_HOST=site.netloc or "localhost")
    client.force_login(user)
    url = reverse("h5p:player", kwargs={"lesson_id": lesson.pk, "key": activity.key})
    response = client.get(url, secure=site.scheme == "https")
    client.logout()
    if response.status_code != 200:
        raise RuntimeError(
            f"demo: the H5P player {url} answered {response.status_code} to {user.username}"
        )
    time.sleep(max(getattr(settings, "H5P", {}).get("MIN_SECONDS_BEFORE_RESULT", 1), 0) + 0.05)


def _h5p_result(*, user, lesson, block) -> None:
    """Post the activity's xAPI "answered" statement, as the player would."""
    activity = block.value.get("activity")
    if activity is None:
        return
    try:
        object_id = reverse(
            "h5p:activity_iri", kwargs={"lesson_id": lesson.pk, "key": activity.key}
        )
    except NoReverseMatch:
        lesson_progress_record_score(
            user=user, lesson=lesson, score_scaled=1, success=True, completed=True, source="h5p"
        )
        return
    _serve_player(user=user, lesson=lesson, activity=activity)
    base = (settings.SITE_URL or "http://localhost").rstrip("/")
    statements_record(
        user=user,
        statements=[
            {
                "id": str(
                    uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{user.pk}:{lesson.pk}:{activity.key}")
                ),
                "verb": {
                    "id": "http://adlnet.gov/expapi/verbs/answered",
                    "display": {"en-US": "answered"},
                },
                "object": {"objectType": "Activity", "id": base + object_id},
                "result": {
                    "score": {"raw": 1, "min": 0, "max": 1, "scaled": 1},
                    "success": True,
                    "completion": True,
                },
            }
        ],
    )


def _take_lesson(*, user, lesson, started) -> None:
    progress = LessonProgress.objects.filter(
        enrollment__user=user, lesson=lesson, status=LessonProgress.Status.COMPLETED
    ).exists()
    if progress:
        return
    lesson_visit_record(user=user, lesson=lesson, now=started)
    for step in range(1, 11):  # five minutes of reading
        lesson_heartbeat_record(
            user=user, lesson=lesson, seconds=30, now=started + timedelta(seconds=30 * step)
        )
    for block in lesson.body:
        if block.block_type == "quiz":
            _pass_quiz(user=user, page=lesson, block_id=block.id)
        elif block.block_type == "h5p":
            _h5p_result(user=user, lesson=lesson, block=block)


def demo_progress_install() -> dict:
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in=list(DEMO_PLAN))}
    slugs = {slug for plan in DEMO_PLAN.values() for slug, _ in plan}
    courses = {
        c.slug: c
        for c in CoursePage.objects.live().filter(
            slug__in=slugs, locale__language_code=courses_selectors.source_language()
        )
    }
    summary = {"enrolled": 0, "completed": 0, "skipped": []}
    started = timezone.now() - timedelta(days=3)
    for username, plan in DEMO_PLAN.items():
        user = users.get(username)
        if user is None:
            summary["skipped"].append(f"user {username} missing")
            continue
        for slug, target in plan:
            course = courses.get(slug)
            if course is None:
                summary["skipped"].append(f"course {slug} missing")
                continue
            enrollment, created = enrollment_get_or_create(
                learner=user, course=course, source=Enrollment.Source.DEMO
            )
            summary["enrolled"] += created
            if enrollment.status == Enrollment.Status.COMPLETED:
                continue
            lessons = courses_selectors.course_lessons(course=course)
            count = len(lessons) if target == "complete" else target
            for index, lesson in enumerate(lessons[:count]):
                _take_lesson(user=user, lesson=lesson, started=started + timedelta(hours=index))
            if target == "complete" and courses_selectors.course_has_final_assessment(course):
                _pass_quiz(user=user, page=course)
            enrollment.refresh_from_db()
            summary["completed"] += enrollment.status == Enrollment.Status.COMPLETED
    return summary


def demo_step(*, users, stdout):
    """Enrolments and progress of the demo learners."""
    summary = demo_progress_install()
    stdout.write(f"  {summary['enrolled']} enrolled, {summary['completed']} completed")
    for note in summary["skipped"]:
        stdout.write(f"  skipped: {note}")
