"""The learning record: xAPI statements stored once by their id."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ..models import Statement
from ..xapi import (
    MAX_STATEMENTS_PER_REQUEST,
    StatementConflict,
    StatementInvalid,
    activity_iri,
    parse_timestamp,
    statement_hash,
    statement_normalise,
    statement_summary,
    statement_validate,
)

logger = logging.getLogger(__name__)


def _own_prefix() -> str:
    """Statements about the platform's own activities (courses, lessons, assessments) are
    written by the server; any other object may be an H5P activity."""
    return activity_iri("x", "x").rsplit("/", 2)[0] + "/"


def _handled_objects(*, user, object_ids: set[str]) -> dict[str, tuple]:
    """``{object id: (handler, target)}`` for the objects a registered statement handler
    owns (``academy.core.statements``: H5P activities); PermissionDenied if one is
    refused."""
    from academy.core.statements import statement_handlers

    handlers = statement_handlers()
    found, own = {}, _own_prefix()
    for object_id in object_ids:
        if not object_id or object_id.startswith(own):
            continue
        for handler in handlers:
            target = handler.resolve(user=user, object_id=object_id)
            if target is not None:
                found[object_id] = (handler, target)
                break
    return found


def _prepare(*, user, statements) -> list[dict]:
    if isinstance(statements, dict):
        statements = [statements]
    if not isinstance(statements, list) or not statements:
        raise StatementInvalid("expected a statement object or a non-empty array of statements")
    if len(statements) > MAX_STATEMENTS_PER_REQUEST:
        raise StatementInvalid(f"at most {MAX_STATEMENTS_PER_REQUEST} statements per request")
    prepared, seen = [], set()
    for index, statement in enumerate(statements):
        try:
            statement_validate(statement)
        except StatementInvalid as exc:
            raise StatementInvalid(exc.reason, index=index) from None
        normalised = statement_normalise(statement, user=user)
        if normalised["id"] in seen:
            raise StatementInvalid("id: appears twice in the same batch", index=index)
        seen.add(normalised["id"])
        prepared.append(normalised)
    return prepared


def _row(*, user, statement: dict, now: datetime) -> Statement:
    timestamp = parse_timestamp(statement["timestamp"]) if "timestamp" in statement else now
    return Statement(
        statement_id=uuid.UUID(statement["id"]),
        user=user,
        raw=statement,
        content_hash=statement_hash(statement),
        timestamp=timestamp,
        stored=now,
        **statement_summary(statement),
    )


_COLUMNS = (
    "statement_id",
    "user",
    "verb",
    "object_id",
    "raw",
    "content_hash",
    "timestamp",
    "stored",
    "result_scaled",
    "result_success",
    "result_completion",
)


def _insert_new(rows: list[Statement]) -> dict[uuid.UUID, int]:
    """Insert the rows whose id is not stored yet, in ONE SQL statement; → {id: pk} of
    the rows inserted. Ids already stored with the same user and content are skipped.

    An id stored with another user or content makes the statement's ``ON CONFLICT DO
    UPDATE`` set the NOT NULL ``content_hash`` to NULL: the database refuses the whole
    statement (IntegrityError), so nothing of the batch is stored. One statement is atomic
    by itself: no transaction round trips are needed on the common path."""
    meta = Statement._meta
    fields = [meta.get_field(name) for name in _COLUMNS]
    values, params = [], []
    for row in rows:
        values.append("(" + ", ".join(["%s"] * len(fields)) + ")")
        params.extend(
            field.get_db_prep_save(getattr(row, field.attname), connection) for field in fields
        )
    table = connection.ops.quote_name(meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(f.column) for f in fields)}) "
        f"VALUES {', '.join(values)} "
        f"ON CONFLICT (statement_id) DO UPDATE SET content_hash = NULL "
        f"WHERE {table}.content_hash <> EXCLUDED.content_hash OR {table}.user_id <> EXCLUDED.user_id "
        f"RETURNING statement_id, id"
    )
    uuid_field = meta.get_field("statement_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = cursor.fetchall()
    return {uuid_field.to_python(statement_id): pk for statement_id, pk in returned}


def _conflicting_id(prepared: list[dict], user) -> str | None:
    ids = [uuid.UUID(s["id"]) for s in prepared]
    existing = {row.statement_id: row for row in Statement.objects.filter(statement_id__in=ids)}
    for statement in prepared:
        row = existing.get(uuid.UUID(statement["id"]))
        if row is not None and (
            row.user_id != user.pk or row.content_hash != statement_hash(statement)
        ):
            return statement["id"]
    return None


def _store(*, user, prepared: list[dict], rows: list[Statement]) -> dict[uuid.UUID, int]:
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: the caller's transaction stays usable
                return _insert_new(rows)
        return _insert_new(rows)
    except IntegrityError:
        conflict = _conflicting_id(prepared, user)
        if conflict is None:
            raise
        raise StatementConflict(conflict) from None


def statements_record(*, user, statements) -> list[Statement]:
    """Validate and store xAPI statements (one dict or a list), all or nothing.

    The actor is always ``user``. A statement id already stored with the same content is
    a no-op (its stored row is returned); with different content → ``StatementConflict``.
    Invalid statements → ``StatementInvalid`` (with the index and the reason); an H5P
    activity the user may not access → ``PermissionDenied``. New statements about an object
    a registered handler owns (an H5P activity) are passed to it in the same transaction.
    """
    prepared = _prepare(user=user, statements=statements)
    handled = _handled_objects(
        user=user, object_ids={(s.get("object") or {}).get("id", "") for s in prepared}
    )
    now = timezone.now()
    rows = [_row(user=user, statement=s, now=now) for s in prepared]
    if not handled:
        inserted = _store(user=user, prepared=prepared, rows=rows)
    else:
        with transaction.atomic():
            inserted = _store(user=user, prepared=prepared, rows=rows)
            for row in rows:
                if row.statement_id in inserted and row.object_id in handled:
                    handler, target = handled[row.object_id]
                    handler.record(user=user, target=target, statement=row.raw)
    result, missing = [], []
    for row in rows:
        if row.statement_id in inserted:
            row.pk = inserted[row.statement_id]
            row._state.adding = False
        else:
            missing.append(row.statement_id)
        result.append(row)
    if missing:  # already stored, identical: return the stored rows
        stored = {r.statement_id: r for r in Statement.objects.filter(statement_id__in=missing)}
        result = [stored.get(row.statement_id, row) for row in result]
    return result


def statement_append(
    *,
    user,
    verb: str,
    object_id: str,
    name: dict | None = None,
    activity_type: str | None = None,
    result: dict | None = None,
    statement_id: uuid.UUID | None = None,
    timestamp: datetime | None = None,
    parent_id: str | None = None,
) -> Statement:
    """Append one server-side learning event (lesson viewed, quiz graded, course completed).

    Deterministic ``statement_id`` values make the event idempotent."""
    definition = {}
    if name:
        definition["name"] = name
    if activity_type:
        definition["type"] = activity_type
    obj = {"objectType": "Activity", "id": object_id}
    if definition:
        obj["definition"] = definition
    statement = {
        "id": str(statement_id or uuid.uuid4()),
        "verb": {"id": verb, "display": {"en-US": verb.rsplit("/", 1)[-1]}},
        "object": obj,
        "timestamp": (timestamp or timezone.now()).isoformat(),
    }
    if result:
        statement["result"] = result
    if parent_id:
        statement["context"] = {"contextActivities": {"parent": [{"id": parent_id}]}}
    if statement_id is not None:
        # A deterministic event: the first recording wins, whatever its timestamp.
        row = Statement.objects.filter(statement_id=statement_id).first()
        if row is not None and row.user_id == user.pk:
            return row
        if row is not None:  # claimed by another account: the event is kept under a new id
            logger.warning("server event id %s is held by another user", statement_id)
            statement["id"] = str(uuid.uuid4())
            statement_id = None
    try:
        return statements_record(user=user, statements=[statement])[0]
    except StatementConflict:
        if statement_id is None:
            raise
        row = Statement.objects.get(statement_id=statement_id)
        if row.user_id != user.pk:
            statement["id"] = str(uuid.uuid4())
            return statements_record(user=user, statements=[statement])[0]
        return row
