"""Handlers of xAPI statements about objects an app owns (contract: docs/architecture.md).

The learners app stores every statement (``learners.services.statements_record``); an app
whose activities report through xAPI (H5P) registers a handler in its ``AppConfig.ready``
so that the learning record and that app never import each other. For each object id of
a batch, ``resolve`` returns what the id names (or None: not ours) and raises
``PermissionDenied`` when the user may not report about it, before anything is stored;
``record`` runs for each newly stored statement, in the storing transaction.
"""

from __future__ import annotations

from typing import Any, Protocol


class StatementHandler(Protocol):
    def resolve(self, *, user, object_id: str) -> Any | None: ...

    def record(self, *, user, target: Any, statement: dict) -> None: ...


_handlers: dict[str, StatementHandler] = {}


def statement_handler_register(name: str, handler: StatementHandler) -> None:
    """Registers (or replaces) the handler called ``name``."""
    _handlers[name] = handler


def statement_handlers() -> list[StatementHandler]:
    return list(_handlers.values())
