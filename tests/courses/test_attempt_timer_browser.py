"""Real browser: the clock of a timed final assessment counts down and, when the time is
up, sends the answers given so far (within the server's grace, so they are counted)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import CoursePage, QuizAttempt
from tests.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_answers_are_sent_when_the_time_is_up(demo, learner, live_server, browser, client):
    course = CoursePage.objects.get(slug="registre-numerique", locale__language_code="fr")
    CoursePage.objects.filter(pk=course.pk).update(final_time_limit_minutes=1)
    # Started 40 s ago: twenty seconds left on a one-minute assessment, enough for the
    # page to load and the answer to be given on a loaded machine.
    attempt = services.quiz_attempt_start(
        user=learner, page=course, now=timezone.now() - timedelta(seconds=40)
    )
    client.force_login(learner)
    context = browser.new_context(viewport={"width": 1000, "height": 700}, locale="fr-FR")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    try:
        page.goto(live_server.url + reverse("courses:attempt", args=[attempt.pk]))
        clock = page.locator("[role=timer]")
        assert clock.is_visible()
        assert clock.inner_text().startswith("0:")  # m:ss, less than a minute left
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "attempt-timer-fr.png"))
        # One answer given before the end; the page sends it by itself.
        page.locator("fieldset.question input[type=radio]").first.check()
        page.get_by_text("Votre score").wait_for(timeout=60_000)
        assert page.locator("[role=timer]").count() == 0
    finally:
        context.close()

    attempt = QuizAttempt.objects.get(pk=attempt.pk)
    assert attempt.submitted_at is not None
    assert not attempt.timed_out  # sent at the end, within the grace
    assert attempt.answers  # the answer given was counted
