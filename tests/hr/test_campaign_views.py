"""Training campaign pages, API and exports: scope on every one, both languages."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from hr.exporters import CAMPAIGN_EXPORTER
from hr.models import Assignment, Campaign
from learners.models import Enrollment
from tests import factories as base
from tests.hr import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def setup(small_tree):
    t = small_tree
    course = factories.course("Bureau d'ordre numérique")
    people = {
        "c1": factories.learner(t["c1"], username="agent-c1", last_name="Nomc1"),
        "c2": factories.learner(t["c2"], username="agent-c2", last_name="=HYPERLINK(1)"),
        "c3": factories.learner(t["c3"], username="agent-c3", last_name="Nomc3"),
    }
    officers = {
        "province": base.hr_officer(t["p1"], username="officer-p1"),
        "commune": base.hr_officer(t["c1"], username="officer-c1"),
        "other": base.hr_officer(t["p2"], username="officer-p2"),
        "national": base.hr_officer(None, username="officer-national"),
    }
    campaign = factories.campaign(
        officer=officers["province"],
        unit=t["p1"],
        courses=[course],
        due_date=TODAY - timedelta(days=1),
    )
    return {
        "tree": t,
        "course": course,
        "people": people,
        "officers": officers,
        "campaign": campaign,
    }


def _url(name, lang="fr", **kw):
    from django.utils import translation

    with translation.override(lang):
        return reverse(name, kwargs=kw)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_officer_creates_previews_and_launches_a_campaign(client, setup, lang):
    t, officer = setup["tree"], setup["officers"]["province"]
    client.force_login(officer)
    page = client.get(_url("hr:campaign_create", lang))
    assert page.status_code == 200
    response = client.post(
        _url("hr:campaign_create", lang),
        {
            "title": "Cybersécurité",
            "title_ar": "الأمن السيبراني",
            "unit": t["p1"].pk,
            "courses": [setup["course"].pk],
            "audience_unit": t["c2"].code,
            "due_mode": "relative",
            "due_days": "30",
            "reminder_days_before": "7, 1",
            "reminder_days_after": "2",
        },
    )
    assert response.status_code == 302, response.content
    campaign = Campaign.objects.get(title="Cybersécurité")
    assert campaign.reminder_days_before == [1, 7]
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert detail.context["preview"].audience == 1
    launched = client.post(_url("hr:campaign_launch", lang, pk=campaign.pk))
    assert launched.status_code == 302
    assert list(
        Assignment.objects.filter(campaign=campaign).values_list("user__username", flat=True)
    ) == ["agent-c2"]
    compliance = client.get(launched["Location"])
    assert compliance.status_code == 200
    text = compliance.content.decode()
    assert ("Not started" not in text) if lang == "ar" else ("Pas commencé" in text)


def test_bad_staff_file_gives_a_clear_message_and_creates_nothing(client, setup):
    client.force_login(setup["officers"]["province"])
    upload = io.BytesIO(b"nom,prenom\nA,B\n")
    upload.name = "staff.csv"
    response = client.post(
        _url("hr:campaign_create"),
        {
            "title": "Fichier",
            "unit": setup["tree"]["p1"].pk,
            "courses": [setup["course"].pk],
            "due_mode": "fixed",
            "due_date": (TODAY + timedelta(days=5)).isoformat(),
            "staff_file": upload,
        },
    )
    assert response.status_code == 200
    assert "matricule" in response.content.decode()
    assert not Campaign.objects.filter(title="Fichier").exists()


def test_staff_file_sets_the_audience(client, setup):
    client.force_login(setup["officers"]["province"])
    upload = io.BytesIO(f"matricule;nom\n{setup['people']['c1'].matricule};X\n".encode())
    upload.name = "staff.csv"
    response = client.post(
        _url("hr:campaign_create"),
        {
            "title": "Fichier",
            "unit": setup["tree"]["p1"].pk,
            "courses": [setup["course"].pk],
            "due_mode": "fixed",
            "due_date": (TODAY + timedelta(days=5)).isoformat(),
            "staff_file": upload,
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="Fichier")
    assert campaign.matricules == [setup["people"]["c1"].matricule.upper()]
    assert campaign.staff_file_name == "staff.csv"


def test_officers_see_and_edit_only_campaigns_in_their_scope(client, setup):
    campaign = setup["campaign"]
    pages = [
        _url("hr:campaign", pk=campaign.pk),
        _url("hr:campaign_edit", pk=campaign.pk),
        _url("hr:campaign_compliance", pk=campaign.pk),
        _url("hr:campaign_export", pk=campaign.pk, file_format="csv"),
    ]
    for key, expected in (("province", 200), ("national", 200), ("other", 403), ("commune", 403)):
        client.force_login(setup["officers"][key])
        for url in pages:
            assert client.get(url).status_code == expected, (key, url)
        listed = client.get(_url("hr:campaigns")).context["campaigns"]
        assert (campaign in listed) == (expected == 200)
    client.force_login(setup["officers"]["other"])
    assert client.post(_url("hr:campaign_launch", pk=campaign.pk)).status_code == 403
    client.force_login(setup["people"]["c1"])
    assert client.get(_url("hr:campaigns")).status_code == 403


def test_drill_down_never_leaves_the_campaign_or_the_scope(client, setup):
    t, campaign = setup["tree"], setup["campaign"]
    client.force_login(setup["officers"]["national"])
    url = _url("hr:campaign_compliance", pk=campaign.pk)
    assert client.get(url + f"?unit={t['c1'].code}").status_code == 200
    assert client.get(url + f"?unit={t['c3'].code}").status_code == 403
    assert client.get(url + f"?unit={t['r1'].code}").status_code == 403
    leaf = client.get(url + f"?unit={t['c2'].code}")
    people = leaf.context["report"].people
    assert [p.user.username for p in people] == ["agent-c2"]


def test_exports_escape_formulas_and_speak_the_requesters_language(client, setup):
    from openpyxl import load_workbook

    campaign = setup["campaign"]
    client.force_login(setup["officers"]["province"])
    csv_text = b"".join(
        part if isinstance(part, bytes) else part.encode()
        for part in client.get(
            _url("hr:campaign_export", pk=campaign.pk, file_format="csv")
        ).streaming_content
    ).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text
    assert "En retard" in csv_text  # overdue, in French
    assert "agent-c3" not in csv_text and "Nomc3" not in csv_text
    response = client.get(_url("hr:campaign_export", "ar", pk=campaign.pk, file_format="xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == str(CAMPAIGN_EXPORTER.columns[0].label) or rows[0][0]
    assert len(rows) == 3
    cells = [c for row in sheet.iter_rows() for c in row]
    formula = next(c for c in cells if c.value == "=HYPERLINK(1)")
    assert formula.data_type == "s"
    assert sheet.sheet_view.rightToLeft


def test_api_lists_campaigns_and_compliance_in_scope(client, setup):
    t, campaign = setup["tree"], setup["campaign"]
    for key, expected in (("province", 200), ("other", 403)):
        token = Token.objects.create(user=setup["officers"][key])
        auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
        listed = client.get("/api/hr/campaigns/", **auth).json()
        assert [c["id"] for c in listed["results"]] == ([campaign.pk] if expected == 200 else [])
        response = client.get(
            f"/api/hr/campaigns/{campaign.pk}/compliance/?unit={t['p1'].code}", **auth
        )
        assert response.status_code == expected
    token = Token.objects.get(user=setup["officers"]["province"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    data = client.get(f"/api/hr/campaigns/{campaign.pk}/compliance/", **auth).json()
    assert (data["unit"], data["assigned"], data["overdue"]) == (t["p1"].code, 2, 2)
    assert {u["code"]: u["assigned"] for u in data["units"]} == {t["c1"].code: 1, t["c2"].code: 1}
    outside = client.get(f"/api/hr/campaigns/{campaign.pk}/compliance/?unit={t['c3'].code}", **auth)
    assert outside.status_code == 403
    # An unknown campaign is no answer (LocaleMiddleware turns the API's 404 into a redirect).
    assert client.get("/api/hr/campaigns/999999/compliance/", **auth).status_code in (302, 404)


@pytest.mark.parametrize("lang,label", [("fr", "En retard"), ("ar", "متأخر")])
def test_learner_dashboard_shows_assigned_courses_first_with_status(client, setup, lang, label):
    learner = setup["people"]["c1"]
    client.force_login(learner)
    html = client.get(f"/{lang}/learn/").content.decode()
    assert "h-assigned" in html
    assert html.index("h-assigned") < html.index("h-active")
    assert label in html
    Enrollment.objects.filter(user=learner).update(
        status="completed", completed_at=timezone.now(), progress_percent=100
    )
    html = client.get(f"/{lang}/learn/").content.decode()
    assert label not in html.split("h-active")[0]
