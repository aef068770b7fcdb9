"""xAPI 1.0.3 statement validation, normalisation and comparison.

Pure functions: no database access. ``statement_validate`` raises
``StatementInvalid`` with a precise reason (JSON path and what is wrong);
``statement_normalise`` returns the statement as stored (actor forced to the
signed-in user, id assigned); ``statements_equivalent`` implements the xAPI
comparison rules used for idempotency (properties the LRS sets itself are ignored).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.dateparse import parse_datetime

XAPI_VERSION = "1.0.3"

VERBS = {
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "registered": "http://adlnet.gov/expapi/verbs/registered",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "scored": "http://adlnet.gov/expapi/verbs/scored",
}

ACTIVITY_TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
}

STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
# Set by the LRS, never compared (xAPI 1.0.3, "Statement Comparison Requirements").
LRS_KEYS = {"stored", "authority", "version"}
RESULT_KEYS = {"score", "success", "completion", "response", "duration", "extensions"}
SCORE_KEYS = {"scaled", "raw", "min", "max"}
CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_ACTIVITY_KEYS = {"parent", "grouping", "category", "other"}
ACTIVITY_KEYS = {"objectType", "id", "definition"}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
VERB_KEYS = {"id", "display"}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account", "member"}

MAX_STATEMENTS_PER_REQUEST = 500
# What any JSON value inside a statement may be: bounded nesting, finite numbers that a
# database stores exactly, no NUL character (PostgreSQL's jsonb refuses it).
MAX_JSON_DEPTH = 24
MAX_ABS_NUMBER = 10**15
_DURATION_RE = re.compile(
    r"^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?"
    r"(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$"
)
_LANG_RE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


class StatementInvalid(ValueError):
    """A statement breaks the xAPI 1.0.3 format; ``reason`` says where and why."""

    def __init__(self, reason: str, *, index: int | None = None):
        self.reason = reason
        self.index = index
        prefix = f"statement {index}: " if index is not None else ""
        super().__init__(prefix + reason)


class StatementConflict(Exception):
    """A statement id already stored with different content (xAPI: 409 Conflict)."""

    def __init__(self, statement_id):
        self.statement_id = statement_id
        super().__init__(f"statement {statement_id} already exists with different content")


# --- small checks ---------------------------------------------------------------------------


def _fail(path: str, what: str):
    raise StatementInvalid(f"{path}: {what}")


def _is_iri(value: Any) -> bool:
    if (
        not isinstance(value, str)
        or not value
        or len(value) > 2048
        or any(c.isspace() for c in value)
    ):
        return False
    parts = urlsplit(value)
    return (
        bool(parts.scheme)
        and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", parts.scheme) is not None
        and bool(parts.netloc or parts.path)
    )


def _check_iri(value: Any, path: str):
    if not _is_iri(value):
        _fail(path, "must be an absolute IRI (e.g. https://…)")


def _check_keys(obj: Any, allowed: set[str], path: str):
    if not isinstance(obj, dict):
        _fail(path, "must be a JSON object")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        _fail(path, f"unknown propert{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}")


def _check_language_map(value: Any, path: str):
    if not isinstance(value, dict):
        _fail(path, "must be a language map (object of language tag → string)")
    for tag, text in value.items():
        if not _LANG_RE.match(tag):
            _fail(f"{path}.{tag}", "is not a valid language tag")
        if not isinstance(text, str):
            _fail(f"{path}.{tag}", "must be a string")


def _check_extensions(value: Any, path: str):
    if not isinstance(value, dict):
        _fail(path, "must be an object whose keys are IRIs")
    for key in value:
        _check_iri(key, f"{path}[{key!r}]")


def _check_json_safe(value: Any, path: str, depth: int = 0):
    """Refuses what the parser accepted but the store, the comparisons or the arithmetic
    could not handle: deep nesting, infinite or enormous numbers, NUL characters."""
    if depth > MAX_JSON_DEPTH:
        _fail(path, f"is nested more than {MAX_JSON_DEPTH} levels deep")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or "\x00" in key:
                _fail(path, "has a property name with a NUL character")
            _check_json_safe(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_json_safe(item, f"{path}[{i}]", depth + 1)
    elif isinstance(value, str):
        if "\x00" in value:
            _fail(path, "contains a NUL character")
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > MAX_ABS_NUMBER:
            _fail(path, "is too large a number")
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_ABS_NUMBER:
            _fail(path, "is too large a number")
    else:
        _fail(path, "is not a JSON value")


def _check_uuid(value: Any, path: str) -> str:
    if not isinstance(value, str):
        _fail(path, "must be a UUID string")
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        _fail(path, "is not a valid UUID")
    if str(parsed) != value.lower():
        _fail(path, "must be a UUID in its canonical hyphenated form")
    return str(parsed)


def _number(value: Any, path: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, "must be a number")
    return Decimal(str(value))


def parse_timestamp(value: Any, path: str = "timestamp") -> datetime:
    if not isinstance(value, str):
        _fail(path, "must be an ISO 8601 date and time string")
    text = value.strip()
    if text.endswith("Z") or text.endswith("z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = parse_datetime(text)
    except ValueError:
        parsed = None
    if parsed is None:
        _fail(path, "is not an ISO 8601 date and time")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        _fail(path, "is out of range")
    return parsed


def _check_agent(value: Any, path: str, *, allow_group: bool = True):
    _check_keys(value, AGENT_KEYS, path)
    kind = value.get("objectType", "Agent")
    if kind not in ("Agent", "Group") or (kind == "Group" and not allow_group):
        _fail(f"{path}.objectType", "must be Agent" + (" or Group" if allow_group else ""))
    ifis = [k for k in ("mbox", "mbox_sha1sum", "openid", "account") if k in value]
    if len(ifis) > 1:
        _fail(path, "must have exactly one identifier (mbox, mbox_sha1sum, openid or account)")
    if not ifis and kind == "Agent":
        _fail(path, "needs an identifier (mbox, mbox_sha1sum, openid or account)")
    if "mbox" in value and not (
        isinstance(value["mbox"], str) and value["mbox"].startswith("mailto:")
    ):
        _fail(f"{path}.mbox", "must be a mailto: IRI")
    if "account" in value:
        account = value["account"]
        _check_keys(account, {"homePage", "name"}, f"{path}.account")
        _check_iri(account.get("homePage"), f"{path}.account.homePage")
        if not isinstance(account.get("name"), str) or not account["name"]:
            _fail(f"{path}.account.name", "must be a non-empty string")
    if "member" in value:
        if kind != "Group" or not isinstance(value["member"], list):
            _fail(f"{path}.member", "is only allowed on a Group, as a list of Agents")
        for i, member in enumerate(value["member"]):
            _check_agent(member, f"{path}.member[{i}]", allow_group=False)


def _check_verb(value: Any, path: str = "verb"):
    if value is None:
        _fail(path, "is required")
    _check_keys(value, VERB_KEYS, path)
    _check_iri(value.get("id"), f"{path}.id")
    if "display" in value:
        _check_language_map(value["display"], f"{path}.display")


def _check_activity(value: dict, path: str):
    _check_keys(value, ACTIVITY_KEYS, path)
    _check_iri(value.get("id"), f"{path}.id")
    if "definition" in value:
        definition = value["definition"]
        _check_keys(definition, DEFINITION_KEYS, f"{path}.definition")
        for key in ("name", "description"):
            if key in definition:
                _check_language_map(definition[key], f"{path}.definition.{key}")
        for key in ("type", "moreInfo"):
            if key in definition:
                _check_iri(definition[key], f"{path}.definition.{key}")
        if "extensions" in definition:
            _check_extensions(definition["extensions"], f"{path}.definition.extensions")


def _check_object(value: Any, path: str = "object", *, sub: bool = False):
    if value is None:
        _fail(path, "is required")
    if not isinstance(value, dict):
        _fail(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _check_activity(value, path)
    elif kind in ("Agent", "Group"):
        _check_agent(value, path)
    elif kind == "StatementRef":
        _check_keys(value, {"objectType", "id"}, path)
        _check_uuid(value.get("id"), f"{path}.id")
    elif kind == "SubStatement" and not sub:
        _check_keys(
            value, {"objectType", "actor", "verb", "object", "result", "context", "timestamp"}, path
        )
        _check_agent(value.get("actor"), f"{path}.actor")
        _check_verb(value.get("verb"), f"{path}.verb")
        _check_object(value.get("object"), f"{path}.object", sub=True)
        if "result" in value:
            _check_result(value["result"], f"{path}.result")
        if "context" in value:
            _check_context(value["context"], f"{path}.context")
        if "timestamp" in value:
            parse_timestamp(value["timestamp"], f"{path}.timestamp")
    else:
        _fail(f"{path}.objectType", f"unsupported object type {kind!r}")


def _check_result(value: Any, path: str = "result"):
    _check_keys(value, RESULT_KEYS, path)
    if "score" in value:
        score = value["score"]
        _check_keys(score, SCORE_KEYS, f"{path}.score")
        numbers = {
            key: _number(score[key], f"{path}.score.{key}") for key in SCORE_KEYS if key in score
        }
        scaled = numbers.get("scaled")
        if scaled is not None and not Decimal(-1) <= scaled <= Decimal(1):
            _fail(f"{path}.score.scaled", "must be between -1 and 1")
        low, high, raw = numbers.get("min"), numbers.get("max"), numbers.get("raw")
        if low is not None and high is not None and low > high:
            _fail(f"{path}.score", "min must not be greater than max")
        if raw is not None and low is not None and raw < low:
            _fail(f"{path}.score.raw", "must not be below min")
        if raw is not None and high is not None and raw > high:
            _fail(f"{path}.score.raw", "must not be above max")
    for key in ("success", "completion"):
        if key in value and not isinstance(value[key], bool):
            _fail(f"{path}.{key}", "must be true or false")
    if "response" in value and not isinstance(value["response"], str):
        _fail(f"{path}.response", "must be a string")
    if "duration" in value and not (
        isinstance(value["duration"], str) and _DURATION_RE.match(value["duration"])
    ):
        _fail(f"{path}.duration", "must be an ISO 8601 duration (e.g. PT1M30S)")
    if "extensions" in value:
        _check_extensions(value["extensions"], f"{path}.extensions")


def _check_context(value: Any, path: str = "context"):
    _check_keys(value, CONTEXT_KEYS, path)
    if "registration" in value:
        _check_uuid(value["registration"], f"{path}.registration")
    if "instructor" in value:
        _check_agent(value["instructor"], f"{path}.instructor")
    if "contextActivities" in value:
        activities = value["contextActivities"]
        _check_keys(activities, CONTEXT_ACTIVITY_KEYS, f"{path}.contextActivities")
        for key, items in activities.items():
            items = items if isinstance(items, list) else [items]
            for i, item in enumerate(items):
                if not isinstance(item, dict):
                    _fail(f"{path}.contextActivities.{key}[{i}]", "must be an Activity object")
                _check_activity(item, f"{path}.contextActivities.{key}[{i}]")
    for key in ("revision", "platform", "language"):
        if key in value and not isinstance(value[key], str):
            _fail(f"{path}.{key}", "must be a string")
    if "language" in value and not _LANG_RE.match(value["language"]):
        _fail(f"{path}.language", "is not a valid language tag")
    if "statement" in value:
        ref = value["statement"]
        _check_keys(ref, {"objectType", "id"}, f"{path}.statement")
        if ref.get("objectType") != "StatementRef":
            _fail(f"{path}.statement.objectType", "must be StatementRef")
        _check_uuid(ref.get("id"), f"{path}.statement.id")
    if "extensions" in value:
        _check_extensions(value["extensions"], f"{path}.extensions")


# --- public API ------------------------------------------------------------------------------


def statement_validate(statement: Any) -> None:
    """Raise ``StatementInvalid`` unless ``statement`` is a well-formed xAPI 1.0.3 statement.

    The actor is validated only for shape when present: it is replaced anyway.
    """
    if not isinstance(statement, dict):
        raise StatementInvalid("a statement must be a JSON object")
    _check_json_safe(statement, "statement")
    _check_keys(statement, STATEMENT_KEYS, "statement")
    if "id" in statement:
        _check_uuid(statement["id"], "id")
    if "actor" in statement and not isinstance(statement["actor"], dict):
        _fail("actor", "must be a JSON object")
    _check_verb(statement.get("verb"))
    _check_object(statement.get("object"))
    if "result" in statement:
        _check_result(statement["result"])
    if "context" in statement:
        _check_context(statement["context"])
    if "timestamp" in statement:
        parse_timestamp(statement["timestamp"])
    if "version" in statement:
        version = statement["version"]
        if not isinstance(version, str) or not version.startswith("1.0"):
            _fail("version", "must be a 1.0.x version")
    if "attachments" in statement and not isinstance(statement["attachments"], list):
        _fail("attachments", "must be a list")


def actor_for(user) -> dict:
    """The xAPI Agent for a platform account, whatever the browser claimed."""
    home = (getattr(settings, "SITE_URL", "") or "http://localhost").rstrip("/") + "/"
    return {
        "objectType": "Agent",
        "name": user.get_full_name() or user.get_username(),
        "account": {"homePage": home, "name": user.get_username()},
    }


def statement_normalise(statement: dict, *, user) -> dict:
    """A validated statement as stored: id assigned, actor forced, LRS properties dropped."""
    stored = {key: value for key, value in statement.items() if key not in LRS_KEYS}
    stored["id"] = str(uuid.UUID(statement["id"])) if "id" in statement else str(uuid.uuid4())
    stored["actor"] = actor_for(user)
    return stored


def _comparable(statement: dict) -> dict:
    data = {key: value for key, value in statement.items() if key not in LRS_KEYS}
    if "id" in data:
        data["id"] = str(data["id"]).lower()
    if "timestamp" in data:
        try:
            data["timestamp"] = parse_timestamp(data["timestamp"]).astimezone(UTC).isoformat()
        except StatementInvalid:
            pass
    return data


def statement_hash(statement: dict) -> str:
    """SHA-256 of the comparable form: equal for statements that ``statements_equivalent``."""
    canonical = json.dumps(
        _comparable(statement), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def statements_equivalent(a: dict, b: dict) -> bool:
    """Same statement for xAPI purposes (LRS-set properties and timestamp notation ignored)."""
    return _comparable(a) == _comparable(b)


def statement_summary(statement: dict) -> dict:
    """The indexed columns of a stored statement."""
    result = statement.get("result") or {}
    score = result.get("score") or {}
    scaled = score.get("scaled")
    if scaled is None and "raw" in score and "max" in score:
        low = score.get("min", 0)
        span = score["max"] - low
        scaled = (score["raw"] - low) / span if span else None
    obj = statement.get("object") or {}
    return {
        "verb": statement["verb"]["id"],
        "object_id": obj.get("id", "") if obj.get("objectType", "Activity") == "Activity" else "",
        "result_scaled": Decimal(str(round(scaled, 4))) if scaled is not None else None,
        "result_success": result.get("success"),
        "result_completion": result.get("completion"),
    }


def activity_iri(kind: str, pk) -> str:
    """The activity id of a platform object (course, lesson, assessment)."""
    base = (getattr(settings, "SITE_URL", "") or "http://localhost").rstrip("/")
    return f"{base}/xapi/activities/{kind}/{pk}"
