import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as base
from tests.hr.conftest import VISIBLE

LEVELS = ["commune", "province", "region", "national"]
INSIDE = {
    "commune": ["c1"],
    "province": ["p1", "c1", "c2"],
    "region": ["r1", "p1", "c1", "c2"],
    "national": ["r1", "p1", "c1", "c2", "r2", "p2", "c3", "c4"],
}
ALL_UNITS = ["r1", "p1", "c1", "c2", "r2", "p2", "c3", "c4"]


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize("level", LEVELS)
def test_api_statistics_scope_matrix(world, level):
    client = token_client(world["officers"][level])
    own = client.get("/api/hr/statistics/")
    assert own.status_code == 200
    codes = {row["code"] for row in own.json()["results"]}
    assert codes == {world["tree"][k].code for k in INSIDE[level]}
    for key in ALL_UNITS:
        response = client.get("/api/hr/statistics/", {"unit": world["tree"][key].code})
        assert response.status_code == (200 if key in INSIDE[level] else 403), (level, key)
    assert client.get("/api/hr/statistics/", {"unit": "national"}).status_code == (
        200 if level == "national" else 403
    )


@pytest.mark.parametrize("level", LEVELS)
def test_api_completions_scope_matrix(world, level):
    client = token_client(world["officers"][level])
    response = client.get("/api/hr/completions/")
    assert response.status_code == 200
    matricules = {row["matricule"] for row in response.json()["results"]}
    assert matricules == {world["people"][k].matricule for k in VISIBLE[level] - {"c1b"}}
    for key in ALL_UNITS:
        response = client.get("/api/hr/completions/", {"unit": world["tree"][key].code})
        assert response.status_code == (200 if key in INSIDE[level] else 403)


def test_api_statistics_figures_roll_up(world):
    client = token_client(world["officers"]["region"])
    rows = {r["code"]: r for r in client.get("/api/hr/statistics/").json()["results"]}
    r1 = rows[world["tree"]["r1"].code]
    assert (r1["staff"], r1["completions"], r1["certificates"], r1["average_final_score"]) == (
        4,
        3,
        3,
        80.0,
    )
    assert r1["name_ar"] == "الشرق"
    assert rows[world["tree"]["c1"].code]["enrolments"] == 2


def test_api_completions_arabic_and_date_filter(world):
    import datetime

    client = token_client(world["officers"]["national"])
    data = client.get("/api/hr/completions/").json()
    row = next(r for r in data["results"] if r["matricule"] == "MAT-c3")
    assert (
        row["last_name_ar"] == "الإدريسيc3"
        and row["unit_at_completion"] == world["tree"]["c3"].code
    )
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    assert client.get("/api/hr/completions/", {"date_from": tomorrow}).json()["count"] == 0
    assert client.get("/api/hr/completions/", {"date_from": "2026-13-01"}).status_code == 400


def test_api_is_paginated(world):
    client = token_client(world["officers"]["national"])
    data = client.get("/api/hr/statistics/", {"page_size": 3}).json()
    assert data["count"] == 8 and len(data["results"]) == 3 and data["next"]
    page3 = client.get("/api/hr/statistics/", {"page_size": 3, "page": 3}).json()
    assert len(page3["results"]) == 2


def test_api_refuses_tokens_of_non_officers_and_anonymous(world):
    assert APIClient().get("/api/hr/statistics/").status_code == 401
    learner = token_client(world["people"]["c1"])
    assert learner.get("/api/hr/statistics/").status_code == 403
    assert learner.get("/api/hr/completions/").status_code == 403


def test_api_me_names_the_scope(world):
    assert (
        token_client(world["officers"]["province"]).get("/api/hr/me/").json()["scope"]
        == world["tree"]["p1"].code
    )
    assert (
        token_client(base.platform_admin(username="adm")).get("/api/hr/me/").json()["scope"]
        == "national"
    )


def test_api_never_shows_a_moved_employees_unit_outside_the_scope(world):
    from academy.accounts.services import user_move_unit

    moved = world["people"]["c1"]
    user_move_unit(user=moved, unit=world["tree"]["c3"])  # Berkane → Tiznit, after completing
    client = token_client(world["officers"]["province"])
    rows = {r["matricule"]: r for r in client.get("/api/hr/completions/").json()["results"]}
    row = rows[moved.matricule]  # completed in the scope: still listed
    assert row["unit_at_completion"] == world["tree"]["c1"].code
    assert row["current_unit"] is None
    assert world["tree"]["c3"].code not in str(rows)
    national = {
        r["matricule"]: r
        for r in token_client(world["officers"]["national"])
        .get("/api/hr/completions/")
        .json()["results"]
    }
    assert national[moved.matricule]["current_unit"] == world["tree"]["c3"].code
