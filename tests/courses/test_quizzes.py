from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from courses import services
from courses.models import CoursePage, LessonPage, QuizAttempt
from courses.selectors import assessment_status
from tests.factories import UserFactory


@pytest.fixture
def recorded(monkeypatch):
    """The attempts announced by ``quiz_attempt_graded`` (the courses side of the contract);
    no other receiver runs: these tests prove grading, tests/learners the recording."""
    from courses.signals import quiz_attempt_graded

    sent = []
    monkeypatch.setattr(quiz_attempt_graded, "receivers", [])
    quiz_attempt_graded.connect(lambda sender, attempt, **kw: sent.append(attempt), weak=False)
    return sent


def _lesson(lang="fr"):
    return LessonPage.objects.get(slug="enregistrer", locale__language_code=lang)


def _course(lang="fr"):
    return CoursePage.objects.get(slug="registre-numerique", locale__language_code=lang)


def _quiz_id(lesson):
    return next(b.id for b in lesson.body if b.block_type == "quiz")


def _answer_key(attempt):
    source = services.quiz_source(page=attempt.page, block_id=attempt.block_id)
    return {q["id"]: q for q in source["questions"]}


def _perfect_answers(attempt):
    key = _answer_key(attempt)
    answers = {}
    for item in attempt.questions:
        q = key[item["id"]]
        if q["type"] == "single":
            answers[q["id"]] = str(q["correct"][0])
        elif q["type"] == "multiple":
            answers[q["id"]] = [str(i) for i in q["correct"]]
        elif q["type"] == "true_false":
            answers[q["id"]] = "true" if q["correct"] else "false"
        elif q["type"] == "numeric":
            answers[q["id"]] = q["correct"]
        else:
            answers[q["id"]] = q["correct"][0]
    return answers


def test_lesson_quiz_submit_grades_on_server_and_records_progress(demo, learner, recorded):
    lesson = _lesson()
    attempt = services.quiz_attempt_start(user=learner, page=lesson, block_id=_quiz_id(lesson))
    assert len(attempt.questions) == 5
    answers = _perfect_answers(attempt)
    multiple = next(q for q in _answer_key(attempt).values() if q["type"] == "multiple")
    answers[multiple["id"]] = [str(multiple["correct"][0])]  # 1 of 3 right: partial credit
    attempt = services.quiz_attempt_submit(attempt=attempt, user=learner, answers=answers)
    assert float(attempt.score) == pytest.approx(4 + 1 / 3, abs=0.01)
    assert float(attempt.percent) == pytest.approx(86.67, abs=0.01)
    assert attempt.passed is True
    assert attempt.duration_seconds is not None
    assert recorded == [attempt]
    assert recorded[0].is_final is False and recorded[0].page.pk == lesson.pk


def test_text_answer_in_arabic_is_accepted_on_the_canonical_attempt(demo, learner, recorded):
    lesson_ar = _lesson("ar")
    attempt = services.quiz_attempt_start(
        user=learner, page=lesson_ar, block_id=_quiz_id(lesson_ar), language="ar"
    )
    assert attempt.page_id == _lesson().pk  # canonical fr lesson
    text_q = next(q for q in _answer_key(attempt).values() if q["type"] == "text")
    attempt = services.quiz_attempt_submit(
        attempt=attempt, user=learner, answers={text_q["id"]: "مكتب الضبط"}
    )
    assert attempt.results[text_q["id"]]["correct"] is True


def test_submitting_twice_is_refused(demo, learner, recorded):
    lesson = _lesson()
    attempt = services.quiz_attempt_start(user=learner, page=lesson, block_id=_quiz_id(lesson))
    services.quiz_attempt_submit(attempt=attempt, user=learner, answers={})
    with pytest.raises(services.QuizError):
        services.quiz_attempt_submit(attempt=attempt, user=learner, answers={})


def test_final_draw_is_fixed_per_attempt_on_the_server(demo, learner, recorded):
    course = _course()
    first = services.quiz_attempt_start(user=learner, page=course)
    assert len(first.questions) == 3  # draw 3 of 5
    again = services.quiz_attempt_start(user=learner, page=_course("ar"))
    assert again.pk == first.pk and again.questions == first.questions
    # Answers to questions outside the drawn set are ignored.
    other = next(k for k in _answer_key(first) if k not in {q["id"] for q in first.questions})
    attempt = services.quiz_attempt_submit(attempt=first, user=learner, answers={other: "true"})
    assert other not in attempt.answers
    assert attempt.max_score == 3
    assert recorded == [attempt] and recorded[0].is_final is True


def test_final_attempt_limit_and_waiting_time_are_enforced(demo, learner, recorded):
    course = _course()  # max_attempts 2, spacing 24 h
    now = timezone.now()
    attempt = services.quiz_attempt_start(user=learner, page=course, now=now - timedelta(days=3))
    services.quiz_attempt_submit(
        attempt=attempt, user=learner, answers={}, now=now - timedelta(days=3)
    )
    attempt = services.quiz_attempt_start(user=learner, page=course, now=now - timedelta(hours=2))
    services.quiz_attempt_submit(
        attempt=attempt, user=learner, answers={}, now=now - timedelta(hours=1)
    )
    with pytest.raises(services.AttemptLimitReached):
        services.quiz_attempt_start(user=learner, page=course, now=now)
    assert assessment_status(course=course, user=learner).can_start is False


def test_waiting_time_between_final_attempts(demo, learner, recorded):
    course = _course()
    now = timezone.now()
    attempt = services.quiz_attempt_start(user=learner, page=course, now=now - timedelta(hours=2))
    services.quiz_attempt_submit(
        attempt=attempt, user=learner, answers={}, now=now - timedelta(hours=1)
    )
    with pytest.raises(services.AttemptTooSoon) as error:
        services.quiz_attempt_start(user=learner, page=course, now=now)
    assert error.value.next_allowed_at > now
    state = assessment_status(course=course, user=learner)
    assert state.next_allowed_at is not None and not state.can_start
    later = services.quiz_attempt_start(user=learner, page=course, now=now + timedelta(hours=24))
    assert later.submitted_at is None


def test_time_limit_exceeded_scores_zero(demo, learner, recorded):
    course = _course()
    CoursePage.objects.filter(pk=course.pk).update(final_time_limit_minutes=10)
    now = timezone.now()
    attempt = services.quiz_attempt_start(
        user=learner, page=course, now=now - timedelta(minutes=30)
    )
    attempt = services.quiz_attempt_submit(
        attempt=attempt, user=learner, answers=_perfect_answers(attempt), now=now
    )
    assert attempt.timed_out and attempt.percent == 0 and not attempt.passed
    assert attempt.duration_seconds == 30 * 60


def test_someone_elses_attempt_cannot_be_submitted(demo, learner, recorded):
    lesson = _lesson()
    attempt = services.quiz_attempt_start(user=learner, page=lesson, block_id=_quiz_id(lesson))
    with pytest.raises(services.QuizError):
        services.quiz_attempt_submit(attempt=attempt, user=UserFactory(), answers={})


def test_unpublished_lesson_quiz_cannot_be_started(demo, learner):
    lesson = _lesson()
    lesson.unpublish()
    with pytest.raises(services.QuizError):
        services.quiz_attempt_start(user=learner, page=lesson, block_id=_quiz_id(lesson))


# --- Views: no answer key in the HTML before submission --------------------------------


def _forbidden_strings(attempt):
    """Things that would give the answers away if they appeared before submission."""
    key = _answer_key(attempt)
    found = []
    for q in key.values():
        if q["feedback"]:
            found.append(q["feedback"])
        if q["type"] == "text":
            found.extend(q["correct"])
    return [escape(s) for s in found] + [s for s in found if escape(s) != s]


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_lesson_and_attempt_pages_never_contain_answers_before_submission(
    demo, learner, client, recorded, lang
):
    client.force_login(learner)
    lesson = _lesson(lang)
    response = client.get(lesson.url)
    assert response.status_code == 200
    html = response.content.decode()
    block_id = _quiz_id(lesson)
    assert reverse("courses:quiz_start", args=[lesson.pk, block_id]) in html
    response = client.post(reverse("courses:quiz_start", args=[lesson.pk, block_id]))
    attempt = QuizAttempt.objects.get(user=learner)
    assert response.url == reverse("courses:attempt", args=[attempt.pk])
    for page_html in (html, client.get(response.url).content.decode()):
        for secret in _forbidden_strings(attempt):
            assert secret not in page_html
        assert "correct" not in page_html.lower().replace("incorrect", "")
    attempt_html = client.get(response.url).content.decode()
    assert 'name="q-' in attempt_html


def test_attempt_form_submission_without_javascript_shows_results(demo, learner, client, recorded):
    client.force_login(learner)
    lesson = _lesson()
    client.post(reverse("courses:quiz_start", args=[lesson.pk, _quiz_id(lesson)]))
    attempt = QuizAttempt.objects.get(user=learner)
    answers = _perfect_answers(attempt)
    response = client.post(
        reverse("courses:attempt", args=[attempt.pk]), {f"q-{k}": v for k, v in answers.items()}
    )
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.percent == 100
    html = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    assert "100" in html
    assert _forbidden_strings(attempt)[0] in html  # feedback is shown after submission


def test_attempt_page_of_another_learner_is_hidden(demo, learner, client, recorded):
    lesson = _lesson()
    attempt = services.quiz_attempt_start(user=learner, page=lesson, block_id=_quiz_id(lesson))
    client.force_login(UserFactory())
    assert client.get(reverse("courses:attempt", args=[attempt.pk])).status_code == 404


def test_final_assessment_refusal_is_shown_on_the_course_page(demo, learner, client, recorded):
    client.force_login(learner)
    course = _course()
    CoursePage.objects.filter(pk=course.pk).update(max_attempts=1)
    client.post(reverse("courses:assessment_start", args=[course.pk]))
    attempt = QuizAttempt.objects.get(user=learner, is_final=True)
    client.post(reverse("courses:attempt", args=[attempt.pk]), {})
    response = client.post(reverse("courses:assessment_start", args=[course.pk]), follow=True)
    assert QuizAttempt.objects.filter(user=learner, is_final=True).count() == 1
    assert response.status_code == 200


# --- Timed final assessment: the clock the learner sees ----------------------------------


def test_attempt_timer_counts_down_from_the_start_of_a_timed_final(demo, learner, recorded):
    from courses.selectors import attempt_timer

    course = _course()
    CoursePage.objects.filter(pk=course.pk).update(final_time_limit_minutes=20)
    course.refresh_from_db()
    now = timezone.now()
    attempt = services.quiz_attempt_start(user=learner, page=course, now=now - timedelta(minutes=5))
    timer = attempt_timer(attempt=attempt, course=course, now=now)
    assert (timer.limit_minutes, timer.seconds_left) == (20, 15 * 60)
    assert timer.ends_at == attempt.started_at + timedelta(minutes=20)
    # past the end: nothing left, never negative
    assert (
        attempt_timer(attempt=attempt, course=course, now=now + timedelta(hours=1)).seconds_left
        == 0
    )
    services.quiz_attempt_submit(attempt=attempt, user=learner, answers={}, now=now)
    attempt.refresh_from_db()
    assert attempt_timer(attempt=attempt, course=course, now=now) is None


def test_attempt_timer_is_absent_without_a_time_limit_and_on_practice_quizzes(
    demo, learner, recorded
):
    from courses.selectors import attempt_timer

    course = _course()
    CoursePage.objects.filter(pk=course.pk).update(final_time_limit_minutes=0)
    course.refresh_from_db()
    final = services.quiz_attempt_start(user=learner, page=course)
    assert attempt_timer(attempt=final, course=course) is None
    lesson = _lesson()
    practice = services.quiz_attempt_start(user=learner, page=lesson, block_id=_quiz_id(lesson))
    CoursePage.objects.filter(pk=course.pk).update(final_time_limit_minutes=20)
    course.refresh_from_db()
    assert attempt_timer(attempt=practice, course=course) is None


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_timed_final_page_states_the_limit_and_the_end_time(demo, learner, client, recorded, lang):
    course = _course(lang)
    CoursePage.objects.filter(translation_key=course.translation_key).update(
        final_time_limit_minutes=2
    )
    client.force_login(learner)
    client.post(reverse("courses:assessment_start", args=[course.pk]))
    attempt = QuizAttempt.objects.get(user=learner, is_final=True)
    with translation.override(lang):
        url = reverse("courses:attempt", args=[attempt.pk])
    html = client.get(url).content.decode()
    assert 'role="timer"' in html and "data-timer-seconds=" in html
    assert "attempt-timer.js" in html
    expected = {"fr": "Vous disposez de 2 minutes", "ar": "لديك دقيقتان"}[lang]
    assert expected in html
    ends_at = timezone.localtime(attempt.started_at + timedelta(minutes=2)).strftime("%H:%M")
    assert ends_at in html


def test_untimed_final_page_has_no_clock(demo, learner, client, recorded):
    course = _course()
    CoursePage.objects.filter(pk=course.pk).update(final_time_limit_minutes=0)
    client.force_login(learner)
    client.post(reverse("courses:assessment_start", args=[course.pk]))
    attempt = QuizAttempt.objects.get(user=learner, is_final=True)
    html = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    assert 'role="timer"' not in html and "attempt-timer.js" not in html
