"""From diagnosis to plan: a unit's gaps drafted as a training campaign the officer launches."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from academy.accounts.selectors import visibility_for
from diagnostic.models import Level
from diagnostic.selectors import training_plan
from diagnostic.services import training_plan_draft
from hr.models import Assignment, Campaign, CampaignStatus
from hr.selectors import scope_for
from tests.diagnostic import factories
from tests.hr import factories as hr_factories

pytestmark = pytest.mark.django_db

ALL = {"1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3",
       "3.4", "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "5.4"}  # fmt: skip


@pytest.fixture
def gaps(people):
    """In the province of Berkane: c1 strong everywhere, c2 weak in 3.4 and 4.2, the
    province's own learner weak in 4.2. In Tiznit (another region) c3 weak everywhere."""
    L = people["learners"]
    factories.submitted(L["c1"], all_right=True, seed=1)
    factories.submitted(L["c2"], right=ALL - {"3.4", "4.2"}, seed=2)
    factories.submitted(L["p1"], right=ALL - {"4.2"}, seed=3)
    factories.submitted(L["c3"], right=set(), seed=4)
    courses = {
        "both": factories.course_with_competences("Données et scripts", ["3.4", "4.2"]),
        "one": factories.course_with_competences("Protéger les données", ["4.2"]),
        "unrelated": factories.course_with_competences("Courriel", ["2.1"]),
    }
    return {**people, "courses": courses}


def _scope(officer, code=None):
    return scope_for(visibility=visibility_for(officer), code=code)


def test_the_plan_covers_the_weakest_competences_with_few_courses_and_the_staff_below(gaps):
    L = gaps["learners"]
    plan = training_plan(scope=_scope(gaps["officers"]["province"]), below=Level.ADVANCED)
    assert plan.diagnosed == 3
    assert plan.gaps == ["4.2", "3.4"]  # lowest average first
    assert [c.pk for c in plan.courses] == [gaps["courses"]["both"].pk]  # covers both gaps
    assert plan.matricules == sorted([L["c2"].matricule, L["p1"].matricule])


def test_the_draft_campaign_holds_the_plan_and_its_audience_never_leaves_the_unit(gaps):
    officer = gaps["officers"]["province"]
    L = gaps["learners"]
    campaign, _plan = training_plan_draft(
        actor=officer, scope=_scope(officer), below=Level.ADVANCED
    )
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.unit == gaps["tree"]["p1"]
    assert campaign.title == "Plan de formation\u00a0: Berkane"
    assert campaign.title_ar == "خطة التكوين: بركان"
    assert [c.pk for c in campaign.courses.all()] == [gaps["courses"]["both"].pk]
    assert set(campaign.matricules) == {L["c2"].matricule.upper(), L["p1"].matricule.upper()}
    assert L["c3"].matricule.upper() not in campaign.matricules  # weak, but in another region


def test_inactive_staff_and_staff_of_other_provinces_are_never_in_the_audience(gaps):
    t = gaps["tree"]
    gone = hr_factories.learner(t["c2"], username="gone")
    factories.submitted(gone, right=set(), seed=5)
    gone.is_active = False
    gone.save()
    # diagnosed in Berkane, now working in Tiznit: no longer the province's staff
    moved = hr_factories.learner(t["c2"], username="moved")
    factories.submitted(moved, right=set(), seed=6)
    moved.unit = t["c3"]
    moved.save()
    plan = training_plan(scope=_scope(gaps["officers"]["province"]), below=Level.ADVANCED)
    assert gone.matricule not in plan.matricules and moved.matricule not in plan.matricules
    assert len(plan.matricules) == 2


def test_staff_without_employee_number_are_counted_not_hidden(gaps):
    nameless = hr_factories.learner(gaps["tree"]["c2"], username="nameless", matricule=None)
    factories.submitted(nameless, right=set(), seed=7)
    plan = training_plan(scope=_scope(gaps["officers"]["province"]), below=Level.ADVANCED)
    assert plan.without_matricule == 1 and len(plan.matricules) == 2


def test_the_level_chosen_sets_the_audience(gaps):
    L = gaps["learners"]
    officer = gaps["officers"]["province"]
    higher = training_plan(scope=_scope(officer), below=Level.HIGHLY_SPECIALISED)
    # below "highly specialised": c1 too (advanced everywhere, no top self-rating)
    assert L["c1"].matricule in higher.matricules


def test_the_officer_drafts_reviews_and_launches_the_plan_through_the_campaign_pages(gaps, client):
    officer = gaps["officers"]["province"]
    L = gaps["learners"]
    client.force_login(officer)
    page = client.get("/fr/diagnostic/maturity/" + gaps["tree"]["p1"].code + "/")
    assert 'action="/fr/diagnostic/maturity/' in page.content.decode()
    response = client.post(
        f"/fr/diagnostic/maturity/{gaps['tree']['p1'].code}/plan/", {"below": Level.ADVANCED}
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/fr/hr/campaigns/{campaign.pk}/"
    review = client.get(response["Location"])
    assert review.context["preview"].audience == 2  # the dry run's audience size
    assert not Assignment.objects.exists()
    client.post(f"/fr/hr/campaigns/{campaign.pk}/launch/")
    assigned = set(Assignment.objects.values_list("user_id", flat=True))
    assert assigned == {L["c2"].pk, L["p1"].pk}


def test_an_officer_of_another_province_is_refused_and_nothing_is_created(gaps, client):
    client.force_login(gaps["officers"]["south"])
    response = client.post(
        f"/fr/diagnostic/maturity/{gaps['tree']['p1'].code}/plan/", {"below": Level.ADVANCED}
    )
    assert response.status_code == 403
    client.force_login(gaps["officers"]["province"])
    response = client.post(
        f"/fr/diagnostic/maturity/{gaps['tree']['c3'].code}/plan/", {"below": Level.ADVANCED}
    )
    assert response.status_code == 403
    assert not Campaign.objects.exists()


def test_a_plan_is_only_drafted_on_post(gaps, client):
    client.force_login(gaps["officers"]["province"])
    response = client.get(f"/fr/diagnostic/maturity/{gaps['tree']['p1'].code}/plan/")
    assert response.status_code == 405
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_unit_without_gaps_gets_a_message_in_its_language_and_no_campaign(gaps, client, language):
    client.force_login(gaps["officers"]["commune"])  # c1: strong everywhere
    code = gaps["tree"]["c1"].code
    response = client.post(
        f"/{language}/diagnostic/maturity/{code}/plan/", {"below": Level.ADVANCED}, follow=True
    )
    with translation.override(language):
        level = str(Level.ADVANCED.label)
        expected = translation.gettext(
            "Nobody diagnosed in this unit is below the level “%(level)s”: no plan is needed."
        ) % {"level": level}
    assert expected != (
        "Nobody diagnosed in this unit is below the level “Advanced”: no plan is needed."
    )
    assert escape(expected) in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_unit_without_diagnosed_staff_gets_a_message_and_no_campaign(people, client, language):
    client.force_login(people["officers"]["south"])
    response = client.post(
        f"/{language}/diagnostic/maturity/{people['tree']['r2'].code}/plan/",
        {"below": Level.ADVANCED},
        follow=True,
    )
    with translation.override(language):
        expected = translation.gettext(
            "Nobody in this unit has taken the diagnostic yet: there is no plan to draft."
        )
    assert escape(expected) in response.content.decode()
    assert not Campaign.objects.exists()


def test_gaps_no_published_course_covers_are_refused_with_a_message(people):
    factories.submitted(people["learners"]["c2"], right=ALL - {"4.2"}, seed=2)
    officer = people["officers"]["province"]
    with pytest.raises(Exception) as refused:
        training_plan_draft(actor=officer, scope=_scope(officer), below=Level.ADVANCED)
    assert "4.2" in " ".join(refused.value.messages)
    assert not Campaign.objects.exists()


def test_a_bad_level_is_refused_with_a_message(gaps, client):
    client.force_login(gaps["officers"]["province"])
    response = client.post(
        f"/fr/diagnostic/maturity/{gaps['tree']['p1'].code}/plan/", {"below": "9"}, follow=True
    )
    assert "Choisissez un niveau" in response.content.decode()
    assert not Campaign.objects.exists()


def _draft_queries(officer):
    scope = _scope(officer)
    with CaptureQueriesContext(connection) as queries:
        campaign, _plan = training_plan_draft(actor=officer, scope=scope, below=Level.ADVANCED)
    Campaign.objects.filter(pk=campaign.pk).delete()
    return len(queries)


def test_drafting_a_plan_takes_the_same_few_queries_for_more_people_and_courses(gaps):
    officer = gaps["officers"]["province"]
    _draft_queries(officer)  # content types cached, as in a running server
    few = _draft_queries(officer)
    t = gaps["tree"]
    for i in range(8):
        person = hr_factories.learner(t["c2" if i % 2 else "c1"], username=f"more{i}")
        factories.submitted(person, right=ALL - {"3.4", "4.2", "5.1"}, seed=10 + i)
    for i in range(4):
        factories.course_with_competences(f"Cours {i}", ["5.1", "4.2"][: 1 + i % 2])
    more = _draft_queries(officer)
    assert more == few
    # 5 reads of the plan, the rest is the campaign's save (savepoints, reference index)
    assert few <= 15
