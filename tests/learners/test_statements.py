import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from learners import services
from learners.models import Statement
from learners.xapi import StatementConflict, StatementInvalid, statement_validate
from tests import factories as base

pytestmark = pytest.mark.django_db

URL = "/api/xapi/statements"


def statement(**overrides):
    data = {
        "id": str(uuid.uuid4()),
        "actor": {
            "objectType": "Agent",
            "mbox": "mailto:someone.else@example.org",
            "name": "Forged",
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}},
        "object": {
            "objectType": "Activity",
            "id": "https://example.org/activities/q1",
            "definition": {"name": {"fr": "Question 1"}},
        },
        "result": {
            "score": {"raw": 3, "min": 0, "max": 4, "scaled": 0.75},
            "success": True,
            "completion": True,
            "duration": "PT1M3.5S",
        },
        "timestamp": "2026-11-22T10:00:00Z",
    }
    data.update(overrides)
    return data


@pytest.fixture
def user(db):
    return base.UserFactory(username="xapi.user")


@pytest.fixture
def client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_record_forces_actor_to_the_signed_in_user(user):
    [row] = services.statements_record(user=user, statements=[statement()])
    assert row.user == user
    assert row.raw["actor"]["account"]["name"] == user.username
    assert "mbox" not in row.raw["actor"]
    assert float(row.result_scaled) == 0.75
    assert row.result_success is True


def test_same_id_same_content_is_a_noop(user):
    s = statement()
    first = services.statements_record(user=user, statements=[s])
    again = services.statements_record(
        user=user, statements=[dict(s, timestamp="2026-11-22T11:00:00+01:00")]
    )
    assert first[0].pk == again[0].pk
    assert Statement.objects.count() == 1


def test_same_id_different_content_conflicts(user):
    s = statement()
    services.statements_record(user=user, statements=[s])
    changed = dict(s, result={"score": {"scaled": 1.0}})
    with pytest.raises(StatementConflict):
        services.statements_record(user=user, statements=[changed])
    assert Statement.objects.get().result_scaled == pytest.approx(0.75)


def test_same_id_from_another_user_conflicts(user):
    s = statement()
    services.statements_record(user=user, statements=[s])
    other = base.UserFactory(username="other.user")
    with pytest.raises(StatementConflict):
        services.statements_record(user=other, statements=[s])


def test_batch_is_all_or_nothing(user):
    good = statement()
    bad = statement(verb={"id": "not an iri"})
    with pytest.raises(StatementInvalid) as exc:
        services.statements_record(user=user, statements=[good, bad])
    assert exc.value.index == 1
    assert not Statement.objects.exists()


def test_duplicate_ids_in_one_batch_are_refused(user):
    s = statement()
    with pytest.raises(StatementInvalid, match="twice"):
        services.statements_record(user=user, statements=[s, dict(s)])


def test_missing_id_gets_one(user):
    s = statement()
    del s["id"]
    [row] = services.statements_record(user=user, statements=s)
    assert row.statement_id
    assert row.raw["id"] == str(row.statement_id)


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"id": "1234"}, "id"),
        ({"verb": {"id": "answered"}}, "verb.id"),
        ({"verb": None}, "verb"),
        ({"object": {"id": "no scheme"}}, "object.id"),
        ({"result": {"score": {"scaled": 1.5}}}, "result.score.scaled"),
        ({"result": {"score": {"raw": 5, "min": 0, "max": 4}}}, "result.score.raw"),
        ({"result": {"score": {"min": 5, "max": 4}}}, "min"),
        ({"result": {"success": "yes"}}, "result.success"),
        ({"result": {"duration": "3 minutes"}}, "result.duration"),
        ({"timestamp": "yesterday"}, "timestamp"),
        ({"colour": "blue"}, "colour"),
        ({"context": {"registration": "abc"}}, "context.registration"),
        ({"object": {"objectType": "Robot", "id": "https://x.org"}}, "objectType"),
    ],
)
def test_malformed_statements_are_refused_with_a_reason(overrides, reason):
    with pytest.raises(StatementInvalid) as exc:
        statement_validate(statement(**overrides))
    assert reason in exc.value.reason


def test_api_post_single_and_batch(client, user):
    one = statement()
    response = client.post(URL, one, format="json")
    assert response.status_code == 200
    assert response.json() == [one["id"]]
    assert response["X-Experience-API-Version"] == "1.0.3"
    batch = [statement() for _ in range(5)]
    response = client.post(URL, batch, format="json")
    assert response.status_code == 200
    assert response.json() == [s["id"] for s in batch]
    assert Statement.objects.filter(user=user).count() == 6


def test_api_forged_actor_is_replaced(client, user):
    s = statement()
    client.post(URL, s, format="json")
    row = Statement.objects.get(statement_id=s["id"])
    assert row.user == user
    assert row.raw["actor"]["account"]["name"] == "xapi.user"


def test_api_malformed_statement_gives_400_with_reason(client):
    response = client.post(
        URL, [statement(), statement(result={"score": {"scaled": 2}})], format="json"
    )
    assert response.status_code == 400
    assert "statement 1" in response.json()["error"]
    assert "result.score.scaled" in response.json()["error"]
    assert not Statement.objects.exists()


def test_api_invalid_json_gives_400(client):
    response = client.generic("POST", URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_api_post_is_idempotent_and_conflict_is_409(client):
    s = statement()
    assert client.post(URL, s, format="json").status_code == 200
    assert client.post(URL, s, format="json").status_code == 200
    assert Statement.objects.count() == 1
    response = client.post(
        URL, dict(s, verb={"id": "http://adlnet.gov/expapi/verbs/failed"}), format="json"
    )
    assert response.status_code == 409


def test_api_put_with_statement_id(client):
    s = statement()
    del s["id"]
    sid = str(uuid.uuid4())
    response = client.put(f"{URL}?statementId={sid}", s, format="json")
    assert response.status_code == 204
    assert Statement.objects.filter(statement_id=sid).exists()
    assert client.put(f"{URL}?statementId={sid}", s, format="json").status_code == 204
    assert client.put(URL, s, format="json").status_code == 400
    mismatch = dict(s, id=str(uuid.uuid4()))
    assert client.put(f"{URL}?statementId={sid}", mismatch, format="json").status_code == 400


def test_api_requires_authentication(db):
    response = APIClient().post(URL, statement(), format="json")
    assert response.status_code in (401, 403)
    assert not Statement.objects.exists()


class _Handler:
    """A statement handler (``academy.core.statements``) owning every foreign object."""

    def __init__(self, *, refuse=False):
        self.refuse, self.recorded = refuse, []

    def resolve(self, *, user, object_id):
        if self.refuse:
            raise PermissionDenied("no")
        return object_id

    def record(self, *, user, target, statement):
        self.recorded.append(statement["id"])


@pytest.fixture
def handler(monkeypatch):
    """Replaces the registered handlers (H5P's) with one fake: these tests prove the
    learners side of the contract."""
    from academy.core import statements as registry

    def install(**kw):
        fake = _Handler(**kw)
        monkeypatch.setattr(registry, "_handlers", {"fake": fake})
        return fake

    return install


def test_api_refuses_an_object_its_handler_refuses(client, handler):
    handler(refuse=True)
    response = client.post(URL, statement(), format="json")
    assert response.status_code == 403
    assert not Statement.objects.exists()


def test_statements_about_a_handled_object_are_recorded_by_its_handler_once(client, handler):
    fake = handler()
    s = statement()
    client.post(URL, s, format="json")
    client.post(URL, s, format="json")
    assert fake.recorded == [s["id"]]


def test_api_body_size_of_batches_is_limited(client):
    response = client.post(URL, [statement() for _ in range(501)], format="json")
    assert response.status_code == 400
    assert "at most" in response.json()["error"]


def test_statement_stored_raw_is_json_serialisable(user):
    [row] = services.statements_record(user=user, statements=[statement()])
    json.dumps(row.raw)


def test_token_authentication_is_remembered_briefly(user, settings):
    from rest_framework.authtoken.models import Token

    from learners.authentication import CachedTokenAuthentication

    CachedTokenAuthentication.forget_all()
    token = Token.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post(URL, statement(), format="json").status_code == 200
    key = token.key
    token.delete()
    assert api.post(URL, statement(), format="json").status_code == 200  # within the TTL
    CachedTokenAuthentication._valid[key] = (0, user, token)  # TTL elapsed
    assert api.post(URL, statement(), format="json").status_code in (401, 403)
    settings.ACADEMIE_XAPI_TOKEN_CACHE_SECONDS = 0
    CachedTokenAuthentication.forget_all()
    assert api.post(URL, statement(), format="json").status_code in (401, 403)
