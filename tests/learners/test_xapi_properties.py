"""Property tests of the xAPI parser: whatever arrives, a clear refusal or a stored statement,
never another exception, never part of a batch stored."""

import json
import uuid

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from learners import services
from learners.models import Statement
from learners.xapi import (
    StatementInvalid,
    statement_hash,
    statement_normalise,
    statement_summary,
    statement_validate,
)
from tests import factories as base

pytestmark = pytest.mark.django_db

KEYS = ["id", "actor", "verb", "object", "result", "context", "timestamp", "version", "score", "scaled",
        "raw", "min", "max", "success", "completion", "duration", "objectType", "definition", "name",
        "extensions", "contextActivities", "parent", "registration", "mbox", "account", "homePage",
        "member", "display", "language", "statement", "response", "https://example.org/x", "fr"]  # fmt: skip
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False)  # 1e400 arrives as infinity
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "Activity",
            "Agent",
            "Group",
            "SubStatement",
            "StatementRef",
            "mailto:a@b.ma",
            "https://example.org/a",
            "http://adlnet.gov/expapi/verbs/answered",
            "PT1M",
            "9999-12-31T23:59:59-12:00",
            "0001-01-01T00:00:00+14:00",
            "2026-11-22T10:00:00Z",
            str(uuid.uuid4()),
            "\x00",
            "1.0.3",
        ]
    )  # fmt: skip
)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=6)
    ),
    max_leaves=30,
)


def _valid():
    return {
        "id": str(uuid.uuid4()),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {"objectType": "Activity", "id": "https://example.org/activities/q1"},
        "result": {"score": {"raw": 3, "min": 0, "max": 4}},
    }


def _mutated(draw_overrides):
    statement = _valid()
    statement.update(draw_overrides)
    return statement


STATEMENTS = JSON | st.dictionaries(st.sampled_from(KEYS), JSON, max_size=5).map(_mutated)


def _with_extension(value):
    statement = _valid()
    statement["result"]["extensions"] = {"https://example.org/x": value}
    return statement


def _deep(levels):
    value = 1
    for _ in range(levels):
        value = {"https://example.org/x": value}
    return value


# Shapes that once got through (each also reachable by the strategy, pinned here).
PINNED = [_with_extension(float("inf")), _with_extension("a\x00b"), _with_extension(_deep(200)),
          dict(_valid(), timestamp="9999-12-31T23:59:59-12:00")]  # fmt: skip


def _pin(test):
    for candidate in PINNED:
        test = example(candidate=candidate)(test)
    return test


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(candidate=STATEMENTS)
@_pin
def test_validation_refuses_clearly_or_accepts_what_the_store_can_hold(candidate):
    user = base.UserFactory.build(username="prop.user")
    try:
        statement_validate(candidate)
    except StatementInvalid as exc:
        assert str(exc)
        return
    stored = statement_normalise(candidate, user=user)
    statement_hash(stored)
    summary = statement_summary(stored)
    scaled = summary["result_scaled"]
    assert scaled is None or scaled.is_finite()
    text = json.dumps(stored, allow_nan=False, ensure_ascii=False)  # no Infinity: invalid JSON
    assert "\x00" not in text  # PostgreSQL's jsonb refuses NUL characters


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(candidate=STATEMENTS)
@_pin
def test_a_batch_is_stored_whole_or_not_at_all(db, candidate):
    user = base.UserFactory(username="prop.batch")
    before = Statement.objects.count()
    batch = [_valid(), candidate]
    try:
        services.statements_record(user=user, statements=batch)
    except StatementInvalid:
        assert Statement.objects.count() == before
    else:
        assert Statement.objects.count() == before + 2
        Statement.objects.filter(user=user).delete()


@pytest.fixture
def api(db):
    client = APIClient()
    client.force_authenticate(base.UserFactory(username="api.user"))
    return client


def test_deeply_nested_json_is_a_400(api):
    body = "[" * 100_000 + "]" * 100_000
    response = api.post("/api/xapi/statements", body, content_type="application/json")
    assert response.status_code == 400
    nested = _valid()
    deep = {}
    node = deep
    for _ in range(200):
        node["https://example.org/x"] = {}
        node = node["https://example.org/x"]
    nested["result"]["extensions"] = deep
    response = api.post("/api/xapi/statements", json.dumps(nested), content_type="application/json")
    assert response.status_code == 400
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    "score",
    [
        {"raw": 10**400, "min": 0, "max": 10**401},
        {"raw": 1e308, "min": -1e308, "max": 1e308},
        {"raw": 5, "min": 0, "max": 1e400},  # json: Infinity
        {"scaled": 1e-400},
    ],
)
def test_huge_numbers_are_a_400_not_a_500(api, score):
    statement = _valid()
    statement["result"]["score"] = score
    body = json.dumps(statement).replace("Infinity", "1e400")
    response = api.post("/api/xapi/statements", body, content_type="application/json")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        row = Statement.objects.get()
        assert row.result_scaled is None or row.result_scaled.is_finite()


@pytest.mark.parametrize("timestamp", ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"])
def test_out_of_range_timestamps_are_a_400(api, timestamp):
    statement = dict(_valid(), timestamp=timestamp)
    response = api.post(
        "/api/xapi/statements", json.dumps(statement), content_type="application/json"
    )
    assert response.status_code == 400
    assert Statement.objects.count() == 0


def test_nul_characters_are_a_400(api):
    statement = _valid()
    statement["object"]["definition"] = {"name": {"fr": "a\x00b"}}
    response = api.post(
        "/api/xapi/statements", json.dumps(statement), content_type="application/json"
    )
    assert response.status_code == 400
