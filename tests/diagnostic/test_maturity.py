import datetime
import io

import pytest
from django.utils import timezone

from academy.accounts.selectors import visibility_for
from diagnostic.selectors import unit_maturity
from hr.selectors import scope_for
from tests.diagnostic import factories
from tests.hr import factories as hr_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnosed(people):
    L = people["learners"]
    factories.submitted(L["c1"], all_right=True, seed=1)
    factories.submitted(L["c2"], right={"1.1", "1.2", "1.3"}, seed=2)
    factories.submitted(L["c3"], right=set(), seed=3)
    return people


def test_the_unit_view_rolls_up_the_subtree_and_ranks_weakest_competences(diagnosed):
    officer = diagnosed["officers"]["province"]
    scope = scope_for(visibility=visibility_for(officer))
    view = unit_maturity(scope=scope)
    total = view.total
    assert total.staff == 3  # the learners of c1, c2 and p1 (officers have no unit)
    assert total.maturity.diagnosed == 2
    assert total.share_diagnosed == 66.7
    assert total.maturity.area_average("1") == 100.0
    assert total.maturity.area_average("2") == 50.0
    assert total.maturity.area_shares("1") == [0.0, 0.0, 100.0, 0.0]
    weakest = total.maturity.weakest(3)
    assert [w[1] for w in weakest] == [50.0, 50.0, 50.0]
    names = [row.unit.name_fr if row.unit else None for row in view.children]
    assert names == ["Aklim", "Berkane", None]  # communes, then the province's own staff
    heat = dict(view.children[0].heat())
    assert heat["1"] == 100.0 and heat["2"] == 0.0


def test_the_national_view_has_every_region_and_no_unit_is_counted_twice(diagnosed):
    scope = scope_for(visibility=visibility_for(diagnosed["officers"]["national"]), code="national")
    view = unit_maturity(scope=scope)
    assert view.total.maturity.diagnosed == 3
    assert sum(r.maturity.diagnosed for r in view.children) == 3
    assert len(view.children) == 2


def test_change_since_a_date_compares_with_the_latest_diagnostics_before_it(people):
    user = people["learners"]["c1"]
    factories.submitted(user, right=set(), days_ago=40)
    factories.submitted(user, all_right=True, seed=2)
    scope = scope_for(visibility=visibility_for(people["officers"]["commune"]))
    view = unit_maturity(scope=scope, since=timezone.localdate() - datetime.timedelta(days=10))
    change = view.change()
    assert change["diagnosed_then"] == 1 and change["diagnosed_now"] == 1
    assert change["areas"][0] == ("1", 0.0, 100.0, 100.0)
    before_any = unit_maturity(
        scope=scope, since=timezone.localdate() - datetime.timedelta(days=60)
    )
    assert before_any.change()["diagnosed_then"] == 0


@pytest.mark.parametrize(
    "officer, code, status",
    [
        ("province", "p1", 200),
        ("province", "c2", 200),
        ("province", "r1", 403),  # above the officer's unit
        ("province", "c3", 403),  # another region
        ("commune", "national", 403),
        ("south", "c1", 403),
        ("national", "national", 200),
    ],
)
def test_the_unit_view_is_scoped_like_the_hr_dashboard(diagnosed, client, officer, code, status):
    client.force_login(diagnosed["officers"][officer])
    unit = "national" if code == "national" else diagnosed["tree"][code].code
    response = client.get(f"/fr/diagnostic/maturity/{unit}/")
    assert response.status_code == status
    if status == 403:
        assert "Nom" not in response.content.decode()


def test_a_learner_is_refused_the_unit_view(diagnosed, client):
    client.force_login(diagnosed["learners"]["c1"])
    assert client.get("/fr/diagnostic/maturity/national/").status_code == 403


def test_the_unit_view_reads_in_a_bounded_number_of_queries(
    diagnosed, client, django_assert_max_num_queries
):
    client.force_login(diagnosed["officers"]["national"])
    factories.indicators(diagnosed["tree"]["c1"])
    with django_assert_max_num_queries(25):
        response = client.get("/fr/diagnostic/maturity/national/?since=2026-01-01")
    assert response.status_code == 200
    html = response.content.decode()
    assert "heat-high" in html and "heat-low" in html


def test_the_unit_view_shows_the_units_indicators_and_their_rollup(diagnosed, client):
    t = diagnosed["tree"]
    factories.indicators(t["c1"], on=datetime.date(2026, 1, 5), online_appointments=False)
    factories.indicators(t["c1"], on=datetime.date(2026, 3, 1), online_appointments=True)
    factories.indicators(t["c2"], digital_registry=False)
    factories.indicators(t["c3"])  # outside the province
    client.force_login(diagnosed["officers"]["province"])
    html = client.get(f"/fr/diagnostic/maturity/{t['p1'].code}/").content.decode()
    assert "2026-03-01" in html and "2026-01-05" not in html
    view_rollup = __import__("diagnostic.selectors", fromlist=["x"]).indicators_rollup(
        scope=scope_for(visibility=visibility_for(diagnosed["officers"]["province"]))
    )
    assert view_rollup.units == 2
    assert view_rollup.shares["digital_registry"] == 50.0
    assert view_rollup.shares["online_appointments"] == 50.0


def test_an_officer_states_the_indicators_of_a_unit_in_scope_only(diagnosed, client):
    from diagnostic.models import UnitIndicators

    t = diagnosed["tree"]
    client.force_login(diagnosed["officers"]["province"])
    data = {"recorded_on": "2026-05-01", "digital_registry": "on", "professional_email_percent": "35",
            "connection_quality": "good"}  # fmt: skip
    assert (
        client.post(f"/fr/diagnostic/maturity/{t['c2'].code}/indicators/", data).status_code == 302
    )
    row = UnitIndicators.objects.get(unit=t["c2"])
    assert row.digital_registry and not row.e_signature and row.professional_email_percent == 35
    assert (
        client.post(f"/fr/diagnostic/maturity/{t['c3'].code}/indicators/", data).status_code == 403
    )
    bad = {**data, "professional_email_percent": "140"}
    response = client.post(f"/ar/diagnostic/maturity/{t['c2'].code}/indicators/", bad)
    assert response.status_code == 200
    assert UnitIndicators.objects.count() == 1


def test_the_export_is_scoped_and_formula_safe_in_csv_and_xlsx(diagnosed, client):
    import openpyxl

    t = diagnosed["tree"]
    t["c2"].name_fr = '=HYPERLINK("http://x")'
    t["c2"].save()
    hr_factories.learner(t["c3"], username="far-away")
    client.force_login(diagnosed["officers"]["province"])
    csv = b"".join(
        client.get(f"/fr/diagnostic/maturity/{t['p1'].code}/export.csv").streaming_content
    ).decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert len(lines) == 1 + 3  # the province and its two communes
    assert "'=HYPERLINK" in csv
    assert t["c3"].code not in csv
    response = client.get(f"/ar/diagnostic/maturity/{t['p1'].code}/export.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    cell = next(
        c for r in sheet.iter_rows() for c in r if c.value and str(c.value).startswith("=HYP")
    )
    assert cell.data_type == "s" and cell.quotePrefix
    province = next(r for r in rows if r[0] == t["p1"].code)
    assert province[5] == 2  # diagnosed in the subtree
    assert client.get(f"/fr/diagnostic/maturity/{t['c3'].code}/export.csv").status_code == 403
