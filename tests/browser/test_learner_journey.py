"""Learner journey in Chromium, in French and in Arabic, over the real demo: sign in, catalogue,
enrol, every lesson, the H5P activity answered wrong then right, a practice quiz, the final
assessment failed then passed, 100 %, the certificate fetched and verified (page and upload).

Screenshots: var/screenshots/journeys/learner-<lang>-<step>.png
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_db")]

COURSE_SLUG = "cybersecurite"
JOURNEY = "learner"


def _learner(language, suffix=""):
    from academy.territories.models import Territory
    from tests.factories import UserFactory

    return UserFactory(
        username=f"journey.learner.{language}{suffix}",
        matricule=f"JRN-LEARNER-{language}{suffix}",
        # Tiznit: outside the demo's campaigns, which assign the province of Berkane's agents
        # this course (they find it already theirs; tests/browser/test_campaign_journey.py).
        unit=Territory.objects.get(code="09.581.01.07"),
        preferred_language=language,  # a language code (two letters in PostgreSQL)
    )


def _course(language):
    from courses.models import CoursePage

    source = CoursePage.objects.get(slug=COURSE_SLUG, locale__language_code="fr")
    return CoursePage.objects.live().get(
        translation_key=source.translation_key, locale__language_code=language
    )


def _answers(attempt_id, *, right):
    """The form values of an attempt: all right (from the server's answer key) or all wrong."""
    from courses.models import QuizAttempt
    from courses.services.quizzes import quiz_source

    attempt = QuizAttempt.objects.get(pk=attempt_id)
    key = {
        q["id"]: q for q in quiz_source(page=attempt.page, block_id=attempt.block_id)["questions"]
    }
    answers = {}
    for item in attempt.questions:
        q = key[item["id"]]
        if q["type"] == "single":
            good = [str(q["correct"][0])]
            bad = [str(next(i for i in range(len(item["choices"])) if i not in q["correct"]))]
        elif q["type"] == "multiple":
            good = [str(i) for i in q["correct"]]
            bad = [str(i) for i in range(len(item["choices"])) if i not in q["correct"]][:1] or [
                "0"
            ]
        elif q["type"] == "true_false":
            good, bad = (["true"], ["false"]) if q["correct"] else (["false"], ["true"])
        elif q["type"] == "numeric":
            good, bad = [str(q["correct"])], ["-987654"]
        else:
            good, bad = [q["correct"][0]], ["zzz"]
        answers[q["id"]] = (q["type"], good if right else bad)
    return answers


def _fill_attempt(page, *, right):
    attempt_id = int(re.search(r"/attempts/(\d+)/", page.url).group(1))
    for qid, (kind, values) in _answers(attempt_id, right=right).items():
        if kind in ("single", "multiple", "true_false"):
            for value in values:
                page.locator(f'input[name="q-{qid}"][value="{value}"]').check()
        else:
            page.locator(f'input[name="q-{qid}"]').fill(values[0])
    page.locator(
        "#attempt-form button[type=submit]:not([name=action])"
    ).click()  # not "Save my answers"
    page.wait_for_load_state()
    return attempt_id


def _visit(page, url):
    """Opens a lesson and waits for its visit to be recorded (the tracker's POST)."""
    with page.expect_response(lambda r: "/visit/" in r.url and r.request.method == "POST") as visit:
        page.goto(url)
    assert visit.value.status == 200, visit.value.text()


def _read_like_a_person(page):
    """The server counts no H5P result sent sooner than MIN_SECONDS_BEFORE_RESULT after the
    player was served (a robot's answer): the learner reads the question first."""
    from courses.h5p.selectors import h5p_settings

    page.wait_for_timeout(1000 * max(h5p_settings()["MIN_SECONDS_BEFORE_RESULT"], 0) + 250)


def _h5p_texts(language):
    from courses.h5p.demo import demo_activities

    spec = next(
        s
        for s in demo_activities()
        if s["key"] == ("demo-phishing" if language == "fr" else "demo-phishing-ar")
    )
    right = next(a["text"] for a in spec["answers"] if a["correct"])
    wrong = next(a["text"] for a in spec["answers"] if not a["correct"])
    return spec, right, wrong


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_learner_takes_a_course_to_a_verified_certificate(demo_server, open_context, language):
    from certificates.codes import check_code
    from certificates.models import Certificate
    from learners.models import Enrollment

    base = demo_server.url
    user = _learner(language)
    course = _course(language)
    page = open_context(language).new_page()

    # Sign in, catalogue.
    sign_in(page, base, language, user.username, "secret-pass-123")
    page.goto(f"{base}/{language}/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    shoot(page, JOURNEY, language, "01-catalogue")
    assert not (violations := axe_violations(page)), violations
    page.get_by_role("link", name=course.title, exact=True).click()
    assert page.url.endswith(course.url)
    assert page.locator("h1").inner_text() == course.title
    shoot(page, JOURNEY, language, "02-course")

    # Enrol: the learner is taken to the first lesson.
    with page.expect_navigation():
        page.locator(f'form[action$="/courses/{course.pk}/enrol/"] button').click()
    assert page.url != base + course.url
    assert Enrollment.objects.filter(user=user).count() == 1
    shoot(page, JOURNEY, language, "03-enrolled")
    page.goto(base + course.url)
    # At most the first lesson, just opened, counts.
    assert int(page.locator(".enrol-box [role=progressbar]").get_attribute("aria-valuenow")) < 25

    # Every lesson, in the order of the outline, with its activities: the H5P activity
    # answered wrong then right (in the lesson's language), every practice quiz taken.
    lessons = page.locator(".course-outline ol a").evaluate_all("links => links.map(a => a.href)")
    assert len(lessons) >= 4
    spec, right, wrong = _h5p_texts(language)
    played = quizzes = 0
    for n, url in enumerate(lessons, start=1):
        _visit(page, url)
        assert page.locator("h1").count() == 1
        if n == 1:
            shoot(page, JOURNEY, language, "04-lesson-1")
        if page.locator("[data-h5p-player]").count():
            page.locator("[data-h5p-player]").first.scroll_into_view_if_needed()
            frame = page.frame_locator("[data-h5p-player] iframe").first
            frame.get_by_text(spec["question"]).wait_for()
            _read_like_a_person(page)
            frame.get_by_text(wrong, exact=True).click()
            frame.get_by_role("button", name=spec["l10n"]["check"]).click()
            frame.get_by_text(spec["l10n"]["wrong"]).wait_for()
            shoot(page, JOURNEY, language, "05-h5p-wrong")
            frame.get_by_role("button", name=spec["l10n"]["retry"]).click()
            frame.get_by_text(right, exact=True).click()
            with page.expect_response(lambda r: "/api/xapi/statements" in r.url) as xapi:
                frame.get_by_role("button", name=spec["l10n"]["check"]).click()
            assert xapi.value.status in (200, 204), xapi.value.text()
            frame.get_by_text(spec["l10n"]["correct"]).wait_for()
            shoot(page, JOURNEY, language, "06-h5p-right")  # axe on this page: the test below
            played += 1
        for quiz in range(page.locator(".block-quiz form").count()):
            if quiz:
                _visit(page, url)
            # A practice quiz: its feedback is shown.
            with page.expect_navigation():
                page.locator(".block-quiz form button").nth(quiz).click()
            assert "/attempts/" in page.url
            if not quizzes:
                shoot(page, JOURNEY, language, "07-quiz")
            _fill_attempt(page, right=True)
            assert page.locator(".results .status-valid").count() >= 1
            assert page.locator(".results .callout").count() >= 1
            if not quizzes:
                shoot(page, JOURNEY, language, "08-quiz-result")
            quizzes += 1
    assert played >= 1 and quizzes >= 1

    # Final assessment: failed, then passed.
    page.goto(base + course.url)
    page.locator('form[action*="/assessment/"] button').click()
    page.wait_for_url("**/attempts/**")
    shoot(page, JOURNEY, language, "09-final")
    assert not (violations := axe_violations(page)), violations
    _fill_attempt(page, right=False)
    assert page.locator(".results .status-revoked").count() >= 1
    assert page.locator(".status-valid").count() == 0
    # Before passing, a final assessment gives no explanation (it would give the retake away).
    assert page.locator(".results .callout").count() == 0
    shoot(page, JOURNEY, language, "10-final-failed")
    page.goto(base + course.url)
    page.locator('form[action*="/assessment/"] button').click()
    page.wait_for_url("**/attempts/**")
    _fill_attempt(page, right=True)
    assert page.locator("[role=status] .status-valid").count() == 1
    shoot(page, JOURNEY, language, "11-final-passed")

    # 100 %.
    page.goto(base + course.url)
    shoot(page, JOURNEY, language, "12-course-complete")
    assert page.locator(".enrol-box [role=progressbar]").get_attribute("aria-valuenow") == "100"
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.status == Enrollment.Status.COMPLETED

    # The certificate, from the dashboard, with the page's cookies.
    page.goto(f"{base}/{language}/learn/")
    link = page.locator("a[download]").first
    link.wait_for()
    shoot(page, JOURNEY, language, "13-dashboard")
    response = page.request.get(
        base + link.get_attribute("href")
        if link.get_attribute("href").startswith("/")
        else link.get_attribute("href")
    )
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.body()
    assert pdf.startswith(b"%PDF")
    certificate = Certificate.objects.get(enrollment=enrollment)

    # Verified: the public page, and the file uploaded.
    # By the serial and the check code printed beside it (a serial alone finds nothing).
    page.goto(f"{base}/verify/")
    page.locator("#id_key").fill(certificate.serial)
    page.locator("#id_code").fill(check_code(certificate.uuid))
    page.locator("form[method=get] button").click()
    page.wait_for_url(f"**/verify/{certificate.uuid}/")
    assert certificate.serial in page.content()
    shoot(page, JOURNEY, language, "14-verify-page")
    page.goto(f"{base}/verify/")
    page.locator("input[type=file]").set_input_files(
        {"name": f"{certificate.serial}.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
    page.locator(".verdict-genuine").wait_for()
    shoot(page, JOURNEY, language, "15-verify-upload")
    assert not (violations := axe_violations(page)), violations


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_lesson_with_h5p_has_no_serious_accessibility_violation_player_included(
    demo_server, open_context, language
):
    """axe-core on the key page of the learner journey, the H5P lesson, and inside its frame."""
    from learners.services import enrollment_get_or_create

    base = demo_server.url
    user = _learner(language, ".axe")
    course = _course(language)
    enrollment_get_or_create(learner=user, course=course)
    page = open_context(language).new_page()
    sign_in(page, base, language, user.username, "secret-pass-123")
    spec, _right, _wrong = _h5p_texts(language)
    lesson = next(
        lesson
        for lesson in course.get_descendants().live().specific()
        if any(block.block_type == "h5p" for block in getattr(lesson, "body", []))
    )
    _visit(page, base + lesson.url)
    page.locator("[data-h5p-player]").first.scroll_into_view_if_needed()
    page.frame_locator("[data-h5p-player] iframe").first.get_by_text(spec["question"]).wait_for()
    violations = axe_violations(page)
    h5p_frame = next(frame for frame in page.frames if frame.parent_frame is not None)
    violations += [f"(H5P frame) {v}" for v in axe_violations(page, frame=h5p_frame)]
    assert not violations, violations
