"""Writes on accounts."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from academy.territories.models import Territory

from .models import Language, UnitMove, User


def user_set_language(*, user: User, language: str) -> User:
    if language not in Language.values:
        raise ValueError(f"unsupported language {language!r}")
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user


@transaction.atomic
def user_move_unit(
    *, user: User, unit: Territory | None, moved_on: datetime.date | None = None
) -> User:
    """Attach an employee to another unit, keeping the dated history of moves."""
    moved_on = moved_on or timezone.localdate()
    if user.unit_id == (unit.pk if unit else None):
        return user
    UnitMove.objects.create(user=user, from_unit=user.unit, to_unit=unit, moved_on=moved_on)
    user.unit = unit
    user.unit_since = moved_on
    user.save(update_fields=["unit", "unit_since"])
    return user


@transaction.atomic
def user_set_hr_scope(*, user: User, is_officer: bool, unit: Territory | None = None) -> None:
    """Make ``user`` an HR officer of ``unit`` (None: national), or not an officer at all."""
    from .models import HRScope

    if not is_officer:
        HRScope.objects.filter(user=user).delete()
        return
    HRScope.objects.update_or_create(user=user, defaults={"unit": unit})


@transaction.atomic
def login_lockout_clear(*, attempt, actor, request=None) -> None:
    """An admin lifts a sign-in lockout (a django-axes ``AccessAttempt``); audited."""
    from academy.audit.models import AuditAction
    from academy.audit.services import audit_record

    data = {"username": attempt.username or "", "ip_address": attempt.ip_address or ""}
    attempt.delete()
    audit_record(actor=actor, action=AuditAction.LOGIN_UNLOCK, data=data, request=request)
