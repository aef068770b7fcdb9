"""Final assessment: what a learner sees after an attempt (never the answers before passing),
the course page after passing or failing, and the draft of an open attempt."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from courses import services
from courses.models import CoursePage, QuizAttempt
from tests.courses.test_quizzes import _course, _perfect_answers

EXPLANATION = "EXPLICATION-SECRETE-{}"


@pytest.fixture
def course(demo):
    """The fixture course, its final questions given distinctive explanations in both languages."""
    for page in CoursePage.objects.filter(slug="registre-numerique"):
        raw = page.final_assessment.raw_data
        raw = [dict(child) for child in raw]
        for index, child in enumerate(raw):
            child["value"] = {**child["value"], "feedback": EXPLANATION.format(index)}
        page.final_assessment = json.dumps(list(raw))
        page.max_attempts = 3
        page.attempt_spacing_hours = 0
        page.save()
        page.save_revision().publish()
    return _course()


def _secrets(course, *, answers=True) -> list[str]:
    """Explanations and expected answers of the whole question bank (not only the drawn ones)."""
    source = services.quiz_source(page=course)
    found = []
    for question in source["questions"]:
        found.append(question["feedback"])
        if question["type"] == "text" and answers:
            found.extend(question["correct"])
    return found + [escape(s) for s in found]


def _wrong_answers(attempt):
    answers = {}
    for qid, value in _perfect_answers(attempt).items():
        if value in ("true", "false"):
            answers[qid] = "false" if value == "true" else "true"
        else:
            answers[qid] = "999"
    return answers


def _take_final(client, learner, course, *, right: bool):
    client.post(reverse("courses:assessment_start", args=[course.pk]))
    attempt = QuizAttempt.objects.filter(
        user=learner, is_final=True, submitted_at__isnull=True
    ).get()
    answers = _perfect_answers(attempt) if right else _wrong_answers(attempt)
    client.post(
        reverse("courses:attempt", args=[attempt.pk]), {f"q-{k}": v for k, v in answers.items()}
    )
    attempt.refresh_from_db()
    return attempt


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_failed_final_shows_the_score_and_wrong_questions_but_no_answer(
    course, learner, client, lang
):
    client.force_login(learner)
    attempt = _take_final(client, learner, course, right=False)
    assert not attempt.passed
    localized = CoursePage.objects.get(
        translation_key=course.translation_key, locale__language_code=lang
    )
    response = client.get(reverse("courses:attempt", args=[attempt.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    html = response.content.decode()
    for secret in _secrets(course):
        assert secret not in html
    assert "Expected answer" not in html and "Réponse attendue" not in html
    # which questions were wrong: one result per drawn question
    assert html.count('class="status-revoked"') == len(attempt.questions)
    # nor on the course page (whose summary happens to name the text answer)
    course_html = client.get(localized.url).content.decode()
    for secret in _secrets(course, answers=False):
        assert secret not in course_html
    # the draft endpoint's JSON holds no answer key either
    client.post(reverse("courses:assessment_start", args=[course.pk]))
    second = QuizAttempt.objects.get(user=learner, is_final=True, submitted_at__isnull=True)
    body = client.post(reverse("courses:attempt_draft", args=[second.pk]), {}).content.decode()
    for secret in _secrets(course):
        assert secret not in body
    assert set(json.loads(body)) == {"saved", "saved_at"}


def test_explanations_after_passing_only_when_the_trainer_allows_them(course, learner, client):
    client.force_login(learner)
    attempt = _take_final(client, learner, course, right=True)
    assert attempt.passed
    html = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    assert not any(secret in html for secret in _secrets(course))  # safe default
    CoursePage.objects.filter(pk=course.pk).update(final_review_after_pass=True)
    html = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    drawn = {item["id"] for item in attempt.questions}
    bank = {q["id"]: q for q in services.quiz_source(page=course)["questions"]}
    for qid in drawn:
        assert bank[qid]["feedback"] in html


def test_failed_attempt_before_a_later_pass_stays_closed_until_the_pass(course, learner, client):
    CoursePage.objects.filter(pk=course.pk).update(final_review_after_pass=True)
    client.force_login(learner)
    failed = _take_final(client, learner, course, right=False)
    html = client.get(reverse("courses:attempt", args=[failed.pk])).content.decode()
    assert not any(secret in html for secret in _secrets(course))


def test_score_only_review_lists_no_question(course, learner, client):
    CoursePage.objects.filter(pk=course.pk).update(final_review="score")
    client.force_login(learner)
    attempt = _take_final(client, learner, course, right=False)
    html = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    assert 'class="results"' not in html
    assert "status-revoked" not in html
    assert "0" in html


# --- The course page after passing or failing --------------------------------------------------


def test_course_page_after_passing_has_no_start_button_and_links_the_certificate(
    course, learner, client
):
    from certificates.models import Certificate
    from learners.models import Enrollment

    client.force_login(learner)
    _take_final(client, learner, course, right=True)
    start_url = reverse("courses:assessment_start", args=[course.pk])
    html = client.get(course.url).content.decode()
    assert "Réussi" in html
    assert start_url not in html
    with pytest.raises(services.QuizError):
        services.quiz_attempt_start(user=learner, page=course)
    enrollment, _ = Enrollment.objects.get_or_create(user=learner, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status="completed", completed_at=timezone.now()
    )
    certificate = Certificate.objects.create(
        enrollment=enrollment,
        serial="AC-2026-990001",
        status="valid",
        issued_at=timezone.now(),
        snapshot={},
        sha256="f" * 64,
    )
    html = client.get(course.url).content.decode()
    assert reverse("certificates:download", kwargs={"uuid": certificate.uuid}) in html
    assert start_url not in html


def test_course_page_after_a_failure_says_attempts_left_and_when(course, learner, client):
    client.force_login(learner)
    _take_final(client, learner, course, right=False)
    html = client.get(course.url).content.decode()
    assert "Il vous reste 2\u00a0tentatives." in html or "Il vous reste 2 tentatives." in html
    assert "Vous pouvez réessayer dès maintenant." in html
    ar = CoursePage.objects.get(translation_key=course.translation_key, locale__language_code="ar")
    html_ar = client.get(ar.url).content.decode()
    assert "بقيت لك محاولتان." in html_ar
    # with a waiting time: when the next attempt is allowed
    CoursePage.objects.filter(pk=course.pk).update(attempt_spacing_hours=24)
    html = client.get(course.url).content.decode()
    assert "Vous pourrez réessayer après le" in html
    assert reverse("courses:assessment_start", args=[course.pk]) not in html
    html_ar = client.get(ar.url).content.decode()
    assert "يمكنك إعادة المحاولة بعد" in html_ar
    # the last attempt used: none left, in Arabic too
    CoursePage.objects.filter(pk=course.pk).update(attempt_spacing_hours=0)
    _take_final(client, learner, course, right=False)
    _take_final(client, learner, course, right=False)
    html_ar = client.get(ar.url).content.decode()
    assert "لم تعد لديك أي محاولة." in html_ar


# --- Drafts of an open final attempt --------------------------------------------------------------


def test_answers_ticked_in_an_open_final_survive_signing_out(course, learner, client):
    client.force_login(learner)
    client.post(reverse("courses:assessment_start", args=[course.pk]))
    attempt = QuizAttempt.objects.get(user=learner, is_final=True)
    answers = _perfect_answers(attempt)
    response = client.post(
        reverse("courses:attempt_draft", args=[attempt.pk]),
        {f"q-{k}": v for k, v in answers.items()},
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    client.logout()
    client.force_login(learner)
    html = client.get(reverse("courses:attempt", args=[attempt.pk])).content.decode()
    for qid, value in answers.items():
        inputs = re.findall(rf'<input[^>]*name="q-{qid}"[^>]*>', html)
        assert inputs, qid
        if any('type="radio"' in i or 'type="checkbox"' in i for i in inputs):
            checked = [i for i in inputs if " checked" in i]
            assert len(checked) == 1 and f'value="{value}"' in checked[0]
        else:
            assert f'value="{escape(value)}"' in inputs[0]
    attempt.refresh_from_db()
    assert attempt.submitted_at is None  # a draft is not a submission


def test_draft_without_javascript_and_refusals(course, learner, client):
    client.force_login(learner)
    client.post(reverse("courses:assessment_start", args=[course.pk]))
    attempt = QuizAttempt.objects.get(user=learner, is_final=True)
    answers = _perfect_answers(attempt)
    client.post(
        reverse("courses:attempt", args=[attempt.pk]),
        {"action": "save", **{f"q-{k}": v for k, v in answers.items()}},
    )
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.answers and attempt.draft_saved_at
    other = learner.__class__.objects.create(username="someone-else")
    with pytest.raises(services.QuizError):
        services.quiz_attempt_draft_save(attempt=attempt, user=other, answers={})
    # the timer rule still applies: no draft once the time is up
    CoursePage.objects.filter(pk=course.pk).update(final_time_limit_minutes=10)
    later = attempt.started_at + timedelta(minutes=12)
    with pytest.raises(services.QuizError):
        services.quiz_attempt_draft_save(attempt=attempt, user=learner, answers={}, now=later)
    # and a submission after the time limit still counts nothing, draft or not
    submitted = services.quiz_attempt_submit(
        attempt=attempt, user=learner, answers=answers, now=later
    )
    assert submitted.timed_out and submitted.percent == 0
