"""Writes of the audit log. Other apps call ``audit_record`` (a stable contract)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder

from .models import AuditAction, AuditEntry


def _jsonable(data):
    import json

    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))


def audit_record(
    *, actor, action: str, target=None, data: dict | None = None, request=None
) -> AuditEntry:
    """Records that ``actor`` did ``action`` (an ``AuditAction`` value) to ``target``.

    ``actor`` is a user or None (the system, an anonymous client); ``target`` any saved model
    instance or None; ``data`` a small JSON-able dict of what matters (no passwords, no file
    contents); ``request`` gives the client address (``academy.core.net.client_ip``).
    """
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    from academy.core.net import client_ip

    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "")[:200],
        action=action,
        client_ip=client_ip(request) if request is not None else None,
        data=_jsonable(data),
    )
    if target is not None and getattr(target, "pk", None) is not None:
        entry.target_type = ContentType.objects.get_for_model(target, for_concrete_model=False)
        entry.target_id = str(target.pk)
        entry.target_label = str(target)[:255]
    entry.save()
    return entry
