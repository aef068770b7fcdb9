"""Diagnostic journeys in Chromium over the real demo: a learner (``learner.aklim``) takes the
digital-skills diagnostic in Arabic — stops half-way, comes back, submits — reads the profile
and enrols from the learning path; the province's HR officer (``hr.berkane``) reads the unit
maturity in French, drills down to a commune, states its indicators and downloads the export.

Screenshots: var/screenshots/journeys/diagnostic-<lang>-<step>.png
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_db")]

JOURNEY = "diagnostic"
PROVINCE, AKLIM = "02.113", "02.113.01.07"


def _label(english, language, context=None):
    from django.utils import translation

    with translation.override(language):
        if context:
            return str(translation.pgettext(context, english))
        return str(translation.gettext(english))


def _positions(username, *, wrong_areas):
    """Positions answering right, except in ``wrong_areas`` (read on the server, like a
    learner who knows or not)."""
    from diagnostic.bank import bank
    from diagnostic.models import Diagnostic

    d = Diagnostic.objects.get(user__username=username, status="in_progress")
    result = {}
    for item in d.questions:
        q = bank()[item["id"]]
        good = q.competence.split(".")[0] not in wrong_areas
        positions = [p for p, i in enumerate(item["order"]) if (i in q.answer) == good]
        result[q.id] = positions if (good and q.type == "multiple") else positions[:1]
    return result


def _answer_page(page, answers):
    for fieldset in page.locator("fieldset.question").all():
        inputs = fieldset.locator("input[name^='q-']")
        if not inputs.count():
            continue
        qid = inputs.first.get_attribute("name")[2:]
        for position in answers[qid]:
            fieldset.locator(f"input[name='q-{qid}'][value='{position}']").check()
    for row in page.locator("table.ratings tbody tr").all():
        row.locator("input[type=radio]").nth(1).check()


def test_learner_takes_the_diagnostic_in_arabic_and_enrols_from_the_learning_path(
    demo_server, open_context
):
    from diagnostic.models import Diagnostic
    from learners.models import Enrollment

    base, language, username = demo_server.url, "ar", "learner.aklim"
    page = open_context(language).new_page()
    sign_in(page, base, language, username)
    page.get_by_role("link", name=_label("Skills diagnostic", language)).click()
    page.wait_for_url(f"**/{language}/diagnostic/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    shoot(page, JOURNEY, language, "1-home")
    page.get_by_role("button", name=_label("Start the diagnostic", language)).click()
    page.wait_for_url("**/diagnostic/page/0/")
    answers = _positions(username, wrong_areas={"2", "5"})
    html = page.content()
    assert 'answer"' not in html and "correct" not in html.lower()
    _answer_page(page, answers)
    shoot(page, JOURNEY, language, "2-questions")
    assert axe_violations(page) == []
    page.get_by_role("button", name=_label("Next part", language)).click()
    page.wait_for_url("**/diagnostic/page/1/")
    _answer_page(page, answers)
    # Stop half-way and come back: the answers are kept and the learner resumes on part 2.
    page.get_by_role("button", name=_label("Save and finish later", language)).click()
    page.wait_for_url(f"**/{language}/diagnostic/")
    shoot(page, JOURNEY, language, "3-saved")
    page.get_by_role("link", name=_label("Resume the diagnostic", language)).click()
    page.wait_for_url("**/diagnostic/page/1/")
    assert page.locator("fieldset.question input:checked").count() >= 12
    for n in range(1, 5):
        _answer_page(page, answers)
        page.locator("button[value=next]").click()
        page.wait_for_url(f"**/diagnostic/page/{n + 1}/" if n < 4 else "**/diagnostic/review/")
    shoot(page, JOURNEY, language, "4-review")
    page.get_by_role("button", name=_label("Submit my answers", language)).click()
    page.wait_for_url("**/diagnostic/results/*/")
    d = Diagnostic.objects.get(user__username=username, is_latest=True)
    assert d.results.get(competence__code="2.1").level == 1
    assert d.results.get(competence__code="4.2").level >= 3
    assert page.locator("svg.chart").count() == 1
    assert page.locator("table.hr-table tbody tr").count() >= 21
    shoot(page, JOURNEY, language, "5-profile")
    assert axe_violations(page) == []
    # One click to enrol in a course of the weakest competences.
    enrol = (
        page.locator(".path-list")
        .get_by_role("button", name=_label("Enrol", language), exact=True)
        .first
    )
    enrol.click()
    page.wait_for_load_state()
    shoot(page, JOURNEY, language, "6-enrolled")
    assert Enrollment.objects.filter(
        user__username=username, course__slug="administration-numerique"
    ).exists()


def test_hr_officer_reads_the_unit_maturity_in_french_and_states_a_communes_indicators(
    demo_server, open_context
):
    from diagnostic.models import UnitIndicators

    base, language = demo_server.url, "fr"
    context = open_context(language, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, language, "hr.berkane")
    page.get_by_role("link", name=_label("Digital maturity", language)).click()
    page.wait_for_url(f"**/{language}/diagnostic/maturity/{PROVINCE}/")
    assert page.locator("h1").inner_text().startswith("Maturité numérique")
    heat = page.locator("table.heat")
    assert heat.locator("tbody tr").count() >= 5  # the province's communes
    assert page.locator("td.heat-cell:not(.heat-none)").count() >= 5
    shoot(page, JOURNEY, language, "7-province")
    assert axe_violations(page) == []
    # Change since a date.
    page.locator("input[name=since]").fill("2020-01-01")
    page.get_by_role("button", name=_label("Apply", language)).click()
    page.wait_for_url("**?since=2020-01-01")
    assert page.locator("#change-title").count() == 1
    # Drill down to Aklim, state its indicators.
    page.locator("table.heat").get_by_role("link", name="Aklim").click()
    page.wait_for_url(f"**/diagnostic/maturity/{AKLIM}/**")
    shoot(page, JOURNEY, language, "8-commune")
    page.get_by_role("link", name=_label("State the unit's indicators", language)).click()
    page.locator("input[name=online_appointments]").check()
    page.locator("input[name=professional_email_percent]").fill("55")
    page.locator("select[name=connection_quality]").select_option("good")
    page.get_by_role("button", name=_label("Record", language)).click()
    page.wait_for_url(f"**/diagnostic/maturity/{AKLIM}/")
    latest = UnitIndicators.objects.filter(unit__code=AKLIM).order_by("-recorded_at").first()
    assert latest.online_appointments and latest.professional_email_percent == 55
    assert "55 %" in page.content()
    shoot(page, JOURNEY, language, "9-indicators")
    # Export of the province.
    page.goto(f"{base}/{language}/diagnostic/maturity/{PROVINCE}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("Code de l'unité")
    assert AKLIM in text and "09.581" not in text
    # Outside the province: refused.
    page.goto(f"{base}/{language}/diagnostic/maturity/09.581.01.07/")
    assert "Hors de votre périmètre" in page.locator("h1").inner_text()
