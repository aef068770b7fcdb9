"""Training campaign journey in Chromium, in French and in Arabic, over the real demo: the HR
officer of the province of Berkane creates a campaign for one commune, reads its dry run,
launches it and reads its compliance down to the commune; the learner of that commune finds
the course first on their dashboard with its due date and status.

Screenshots: var/screenshots/journeys/campaign-<lang>-<step>.png
"""

from __future__ import annotations

import datetime

import pytest

from tests.browser.conftest import axe_violations, shoot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_db")]

JOURNEY = "campaign"
PROVINCE, COMMUNE = "02.113", "02.113.01.07"  # Aklim: learner.aklim


def _label(english, language):
    from django.utils import translation

    with translation.override(language):
        return str(translation.gettext(english))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_officer_creates_a_campaign_and_reads_its_compliance(demo_server, open_context, language):
    from hr.models import Assignment, Campaign

    base = demo_server.url
    page = open_context(language).new_page()
    sign_in(page, base, language, "hr.berkane")

    page.goto(f"{base}/{language}/hr/")
    page.locator(".hr-nav").get_by_role("link", name=_label("Training campaigns", language)).click()
    page.wait_for_url(f"**/{language}/hr/campaigns/")
    demo_campaigns = list(Campaign.objects.values_list("title", "unit__code"))
    # The demo's two campaigns, in the province of Berkane.
    assert page.locator(".hr-table tbody th[scope=row]").count() >= 2, demo_campaigns
    shoot(page, JOURNEY, language, "01-list")
    assert not (violations := axe_violations(page)), violations

    page.get_by_role("link", name=_label("New campaign", language)).click()
    page.wait_for_url("**/hr/campaigns/new/")
    title = f"Parcours {language} {datetime.date.today():%Y%m%d}"
    page.locator("input[name=title]").fill(title)
    page.locator("input[name=title_ar]").fill("حملة تجريبية")
    page.locator("input[name=courses]").first.check()
    page.locator("input[name=audience_unit]").fill(COMMUNE)
    page.locator("input[name=due_mode][value=relative]").check()
    page.locator("input[name=due_days]").fill("45")
    shoot(page, JOURNEY, language, "02-form")
    assert not (violations := axe_violations(page)), violations
    page.locator("form.campaign-form button[type=submit]").click()
    page.wait_for_url("**/hr/campaigns/*/")
    campaign = Campaign.objects.get(title=title)
    assert campaign.status == "draft"
    audience = int(page.locator(".preview .kpis dd").first.inner_text())
    assert audience >= 1
    shoot(page, JOURNEY, language, "03-dry-run")
    assert not Assignment.objects.filter(campaign=campaign).exists()

    page.get_by_role("button", name=_label("Launch the campaign", language)).click()
    page.wait_for_url("**/compliance/")
    assert Assignment.objects.filter(campaign=campaign).count() == audience
    assert int(page.locator(".kpis dd").first.inner_text()) == audience
    assert page.locator("svg.chart").count() == 1
    shoot(page, JOURNEY, language, "04-compliance")
    assert not (violations := axe_violations(page)), violations

    # The demo's campaign whose due date has passed: drill down from the province to a commune.
    past = Campaign.objects.get(title__startswith="Compétences numériques")
    page.goto(f"{base}/{language}/hr/campaigns/{past.pk}/compliance/")
    for _ in range(3):
        if f"unit={COMMUNE}" in page.url:
            break
        links = page.locator(".hr-table tbody th a")
        hrefs = links.evaluate_all("xs => xs.map(a => a.getAttribute('href'))")
        step = next(
            n for n, h in enumerate(hrefs) if COMMUNE.startswith(h.split("unit=")[1].split("&")[0])
        )
        links.nth(step).click()
        page.wait_for_load_state()
    assert f"unit={COMMUNE}" in page.url
    assert page.locator("#people-title").count() == 1
    assert _label("Overdue", language) in page.locator("main").inner_text()
    shoot(page, JOURNEY, language, "05-commune")

    # The learner of the commune: the assigned courses come first, with their status.
    learner = open_context(language).new_page()
    sign_in(learner, base, language, "learner.aklim")
    learner.goto(f"{base}/{language}/learn/")
    panel = learner.locator(".assigned-training")
    assert panel.count() == 1
    text = panel.inner_text()
    assert _label("Done", language) in text and _label("In progress", language) in text
    shoot(learner, JOURNEY, language, "06-learner")
    assert not (violations := axe_violations(learner)), violations
