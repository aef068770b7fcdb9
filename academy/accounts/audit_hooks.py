"""Audit of the user admin: role, HR scope and e-mail changes (Wagtail's user hooks)."""

from __future__ import annotations

from academy.audit.models import AuditAction
from academy.audit.services import audit_record

from .models import HRScope

STASH = "_academie_user_before"


def user_state(user) -> dict:
    if user is None or user.pk is None:
        return {"email": "", "roles": [], "superuser": False, "staff": False, "scope": None}
    scope = HRScope.objects.filter(user=user).select_related("unit").first()
    return {
        "email": user.email or "",
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "superuser": bool(user.is_superuser),
        "staff": bool(user.is_staff),
        "scope": None if scope is None else (scope.unit.code if scope.unit_id else "national"),
    }


def user_changes_audit(*, request, user, before: dict) -> None:
    """Records what changed between ``before`` and the user as saved, one entry per kind."""
    after = user_state(user)
    actor = request.user
    if before["email"] != after["email"]:
        audit_record(actor=actor, action=AuditAction.EMAIL_CHANGE, target=user, request=request,
                     data={"from": before["email"], "to": after["email"]})  # fmt: skip
    role_keys = ("roles", "superuser", "staff")
    if any(before[k] != after[k] for k in role_keys):
        audit_record(actor=actor, action=AuditAction.ROLE_CHANGE, target=user, request=request,
                     data={"from": {k: before[k] for k in role_keys}, "to": {k: after[k] for k in role_keys}})  # fmt: skip
    if before["scope"] != after["scope"]:
        audit_record(actor=actor, action=AuditAction.SCOPE_CHANGE, target=user, request=request,
                     data={"from": before["scope"], "to": after["scope"]})  # fmt: skip
