import pytest
from rest_framework.authtoken.models import Token

from tests.diagnostic import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def diagnosed(people):
    factories.submitted(people["learners"]["c1"], all_right=True)
    factories.submitted(people["learners"]["c3"], right=set(), seed=2)
    return people


def _get(client, user, query=""):
    token = Token.objects.get_or_create(user=user)[0]
    return client.get(f"/api/hr/maturity/{query}", HTTP_AUTHORIZATION=f"Token {token.key}")


def test_the_api_gives_the_unit_of_the_token_owner_by_default(diagnosed, client):
    data = _get(client, diagnosed["officers"]["province"]).json()
    assert data["unit"] == diagnosed["tree"]["p1"].code
    assert data["diagnosed"] == 1 and data["staff"] == 3
    assert data["areas"][0] == {
        "area": "1",
        "average_score": 100.0,
        "levels": {
            "foundation": 0.0,
            "intermediate": 0.0,
            "advanced": 100.0,
            "highly_specialised": 0.0,
        },
    }
    assert {c["code"] for c in data["children"]} == {
        diagnosed["tree"]["c1"].code,
        diagnosed["tree"]["c2"].code,
        None,
    }


@pytest.mark.parametrize(
    "officer, unit, status",
    [
        ("province", "c1", 200),
        ("province", "c3", 403),
        ("province", "national", 403),
        ("commune", "p1", 403),
        ("national", "national", 200),
        ("national", "NOPE", 403),
    ],
)
def test_the_api_is_scope_checked(diagnosed, client, officer, unit, status):
    code = unit if unit in ("national", "NOPE") else diagnosed["tree"][unit].code
    response = _get(client, diagnosed["officers"][officer], f"?unit={code}")
    assert response.status_code == status
    if status == 403:
        assert "areas" not in response.json()


def test_the_api_refuses_learners_anonymous_callers_and_bad_dates(diagnosed, client):
    assert _get(client, diagnosed["learners"]["c1"]).status_code == 403
    assert client.get("/api/hr/maturity/").status_code in (401, 403)
    response = _get(client, diagnosed["officers"]["national"], "?since=1900-01-01")
    assert response.status_code == 400


def test_the_api_reports_the_change_since_a_date(diagnosed, client):
    data = _get(client, diagnosed["officers"]["national"], "?unit=national&since=2000-01-01").json()
    assert data["change"]["diagnosed_then"] == 0 and data["change"]["diagnosed_now"] == 2
