"""Quiz attempts: start (draw the questions), submit (grade on the server, record)."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.models import Page

from courses.grading import grade_quiz, question_from_block
from courses.models import CoursePage, LessonPage, QuizAttempt

logger = logging.getLogger(__name__)

GRACE_SECONDS = 60
MAX_ANSWER_LENGTH = 500


class QuizError(Exception):
    """A learner-facing refusal; ``str(error)`` is a translated message."""


class AttemptLimitReached(QuizError):
    pass


class AttemptTooSoon(QuizError):
    def __init__(self, message, *, next_allowed_at):
        super().__init__(message)
        self.next_allowed_at = next_allowed_at


# --- Question sources ------------------------------------------------------------------


def _translations(page: Page):
    return [
        p.specific
        for p in Page.objects.filter(translation_key=page.translation_key).exclude(pk=page.pk)
    ]


def _find_quiz_block(lesson: LessonPage, block_id: str):
    for child in lesson.body:
        if child.block_type == "quiz" and child.id == block_id:
            return child
    return None


def _text_answers_by_id(stream) -> dict[str, list[str]]:
    accepted = {}
    for child in stream:
        if child.block_type == "text":
            accepted[child.id] = [
                line.strip()
                for line in (child.value["accepted"] or "").splitlines()
                if line.strip()
            ]
    return accepted


def quiz_source(*, page: Page, block_id: str = "") -> dict:
    """Answer keys of a lesson quiz block (``block_id``) or of a course's final assessment.

    Keys come from the canonical page; accepted text answers are merged across languages.
    → {"questions": [question dicts], "draw": int, "shuffle": bool, "course": CoursePage}
    """
    from courses.selectors import lesson_course, page_canonical

    canonical = page_canonical(page)
    if isinstance(canonical, CoursePage) and not block_id:
        stream, draw, shuffle, course = (
            canonical.final_assessment,
            canonical.final_draw,
            canonical.final_shuffle,
            canonical,
        )
        other_streams = [t.final_assessment for t in _translations(canonical)]
    elif isinstance(canonical, LessonPage) and block_id:
        block = _find_quiz_block(canonical, block_id)
        if block is None:
            raise QuizError(_("This quiz no longer exists."))
        stream = block.value["questions"]
        draw, shuffle = block.value["draw"], block.value["shuffle"]
        course = lesson_course(lesson=canonical)
        other_streams = []
        for translation in _translations(canonical):
            other = _find_quiz_block(translation, block_id)
            if other is not None:
                other_streams.append(other.value["questions"])
    else:
        raise QuizError(_("This page has no quiz."))

    extra: dict[str, list[str]] = {}
    for other in other_streams:
        for qid, answers in _text_answers_by_id(other).items():
            extra.setdefault(qid, []).extend(answers)
    questions = [question_from_block(child, extra_accepted=extra.get(child.id)) for child in stream]
    return {"questions": questions, "draw": draw or 0, "shuffle": bool(shuffle), "course": course}


# --- Start -----------------------------------------------------------------------------


def _check_final_rules(*, user, course: CoursePage, now):
    from courses.participation import final_attempts_since

    submitted = QuizAttempt.objects.filter(
        user=user, page_id=course.pk, is_final=True, submitted_at__isnull=False
    )
    since = final_attempts_since(user_id=user.pk, course_id=course.pk)
    if since is not None:  # re-taken to renew a certificate: a fresh set of attempts
        submitted = submitted.filter(submitted_at__gt=since)
    if submitted.filter(passed=True).exists():
        raise QuizError(_("You have already passed this assessment."))
    if course.max_attempts and submitted.count() >= course.max_attempts:
        raise AttemptLimitReached(
            _("You have used all %(count)s attempts at this assessment.")
            % {"count": course.max_attempts}
        )
    if course.attempt_spacing_hours:
        last = submitted.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
        if last is not None:
            allowed = last + timedelta(hours=course.attempt_spacing_hours)
            if allowed > now:
                raise AttemptTooSoon(
                    _("You can try again after %(when)s.")
                    % {"when": date_format(timezone.localtime(allowed), "SHORT_DATETIME_FORMAT")},
                    next_allowed_at=allowed,
                )


@transaction.atomic
def quiz_attempt_start(
    *, user, page: Page, block_id: str = "", language: str = "fr", now=None
) -> QuizAttempt:
    """Opens an attempt with its drawn questions fixed, or returns the learner's open one."""
    from courses.selectors import lesson_accessible_to, page_canonical

    now = now or timezone.now()
    canonical = page_canonical(page)
    if not lesson_accessible_to(user=user, lesson=canonical):
        raise QuizError(_("This quiz is not available to you."))
    is_final = isinstance(canonical, CoursePage)
    # Serialise concurrent starts by the same learner on the same quiz. NO KEY UPDATE: the
    # lock excludes another start, not the learner's other writes, whose rows reference the
    # user (statements, attempts: a foreign key takes KEY SHARE, which FOR UPDATE blocks).
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user.pk).first()
    open_attempt = QuizAttempt.objects.filter(
        user=user,
        page_id=canonical.pk,
        block_id=block_id,
        is_final=is_final,
        submitted_at__isnull=True,
    ).first()
    if open_attempt is not None:
        return open_attempt

    source = quiz_source(page=canonical, block_id=block_id)
    if is_final:
        _check_final_rules(user=user, course=canonical, now=now)
    questions = source["questions"]
    if not questions:
        raise QuizError(_("This quiz has no questions yet."))
    rng = random.SystemRandom()
    drawn = list(questions)
    if source["draw"] and source["draw"] < len(drawn):
        drawn = rng.sample(drawn, source["draw"])
        if not source["shuffle"]:
            order = {q["id"]: i for i, q in enumerate(questions)}
            drawn.sort(key=lambda q: order[q["id"]])
    elif source["shuffle"]:
        rng.shuffle(drawn)
    layout = []
    for question in drawn:
        choices = list(range(len(question["choices"])))
        if source["shuffle"]:
            rng.shuffle(choices)
        layout.append({"id": question["id"], "choices": choices})
    return QuizAttempt.objects.create(
        user=user,
        page=canonical,
        block_id=block_id,
        is_final=is_final,
        language=language[:2],
        questions=layout,
        started_at=now,
    )


# --- Draft ----------------------------------------------------------------------------


def _time_is_up(attempt: QuizAttempt, course: CoursePage, now) -> bool:
    limit = course.final_time_limit_minutes if attempt.is_final else 0
    return bool(limit) and (now - attempt.started_at).total_seconds() > limit * 60 + GRACE_SECONDS


@transaction.atomic
def quiz_attempt_draft_save(*, attempt: QuizAttempt, user, answers: dict, now=None) -> QuizAttempt:
    """Keeps the answers ticked so far in an open attempt (restored when the learner comes
    back, after signing out too). Refused once submitted or when the time limit is over:
    the timer rule is the same as for submitting."""
    now = now or timezone.now()
    attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.user_id != user.pk:
        raise QuizError(_("This attempt belongs to someone else."))
    if attempt.submitted_at is not None:
        raise QuizError(_("This attempt has already been submitted."))
    course = quiz_source(page=attempt.page, block_id=attempt.block_id)["course"]
    if _time_is_up(attempt, course, now):
        raise QuizError(_("The time limit is over: answers can no longer be saved."))
    attempt.answers = _clean_answers(answers or {}, {item["id"] for item in attempt.questions})
    attempt.draft_saved_at = now
    attempt.save(update_fields=["answers", "draft_saved_at"])
    return attempt


# --- Submit ----------------------------------------------------------------------------


def _clean_answers(raw: dict, question_ids: set[str]) -> dict:
    answers = {}
    for qid in question_ids:
        value = raw.get(qid)
        if isinstance(value, list | tuple):
            value = [str(v)[:MAX_ANSWER_LENGTH] for v in value][:50]
        elif value is not None:
            value = str(value)[:MAX_ANSWER_LENGTH]
        if value not in (None, "", []):
            answers[qid] = value
    return answers


@transaction.atomic
def quiz_attempt_submit(*, attempt: QuizAttempt, user, answers: dict, now=None) -> QuizAttempt:
    """Grades the attempt on the server, stores answers, score and duration, then sends
    ``quiz_attempt_graded`` (progress and completion are recorded by its receivers)."""
    now = now or timezone.now()
    attempt = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.user_id != user.pk:
        raise QuizError(_("This attempt belongs to someone else."))
    if attempt.submitted_at is not None:
        raise QuizError(_("This attempt has already been submitted."))
    from courses.selectors import lesson_accessible_to

    if not lesson_accessible_to(user=user, lesson=attempt.page):
        raise QuizError(_("This quiz is no longer available."))

    source = quiz_source(page=attempt.page, block_id=attempt.block_id)
    by_id = {q["id"]: q for q in source["questions"]}
    drawn = [by_id[item["id"]] for item in attempt.questions if item["id"] in by_id]
    cleaned = _clean_answers(answers or {}, {q["id"] for q in drawn})
    course = source["course"]

    duration = max(0, int((now - attempt.started_at).total_seconds()))
    timed_out = _time_is_up(attempt, course, now)
    graded = grade_quiz(drawn, {} if timed_out else cleaned, pass_mark=course.pass_mark)
    # Questions removed from the page since the attempt started count as missed.
    missing = len(attempt.questions) - len(drawn)
    max_score = graded["max_score"] + missing
    percent = graded["percent"]
    if missing and max_score:
        raw_total = sum(Decimal(str(r["score"])) for r in graded["results"].values())
        percent = (raw_total * 100 / max_score).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    attempt.answers = cleaned
    attempt.results = graded["results"]
    attempt.score = graded["score"]
    attempt.max_score = max_score
    attempt.percent = percent
    attempt.passed = percent >= course.pass_mark
    attempt.timed_out = timed_out
    attempt.submitted_at = now
    attempt.duration_seconds = duration
    attempt.save()
    _graded_send(attempt)
    return attempt


def _graded_send(attempt: QuizAttempt) -> None:
    """Announces the graded attempt (``courses.signals.quiz_attempt_graded``) inside the
    grading transaction; a receiver's failure rolls the submission back."""
    from courses.signals import quiz_attempt_graded

    quiz_attempt_graded.send(sender=QuizAttempt, attempt=attempt)
