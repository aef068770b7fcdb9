"""Bad filter values in the HR pages and API give a 4xx (or are refused by the form), never a 500."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as base

pytestmark = pytest.mark.django_db

BAD = [
    {"date_to": "9999-12-31"},
    {"date_from": "0001-01-01"},
    {"date_from": "0001-01-01", "date_to": "0001-01-31"},
    {"course": "99999999999999999999999999"},
    {"course": "-1"},
    {"date_to": "2026-02-31"},
    {"page": "99999999999999999999999"},
]


@pytest.fixture
def officer(small_tree):
    return base.hr_officer(small_tree["p1"])


@pytest.mark.parametrize("params", BAD, ids=lambda p: str(p))
def test_dashboard_filters_never_fail(client, officer, small_tree, params):
    client.force_login(officer)
    response = client.get(f"/fr/hr/unit/{small_tree['p1'].code}/", params)
    assert response.status_code in (200, 400)
    if response.status_code == 200 and set(params) & {"date_from", "date_to", "course"}:
        assert response.context["form"].errors


@pytest.mark.parametrize("path", ["/api/hr/statistics/", "/api/hr/completions/"])
@pytest.mark.parametrize("params", BAD, ids=lambda p: str(p))
def test_api_filters_are_a_4xx(officer, path, params):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=officer).key}")
    # (a 404 outside the language prefixes is redirected to the prefixed path, a 404 too)
    response = client.get(path, params, follow=True)
    assert response.status_code in (400, 404), response.content
