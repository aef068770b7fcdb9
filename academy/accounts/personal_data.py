"""Law 09-08: what the platform holds about one person (export), erasure on request, and
inactive accounts flagged for review. See docs/personal-data.md for the choices.

The accounts app knows no feature app: each app that holds personal data registers a
``PersonalDataProvider`` in its ``AppConfig.ready`` (``personal_data_provider_register``);
its sections are added to the export, its erasure runs in the erasure transaction and its
activity dates count for the retention rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import HRScope, UnitMove, User


@dataclass(frozen=True)
class PersonalDataProvider:
    """What one app holds about a person.

    ``export(*, user) -> {section name: JSON-able rows}``; ``erase(*, user)`` removes or
    anonymises what names the person (in the erasure transaction); ``active_user_ids(*,
    since)`` is a queryset of the ids of users with activity since then, and
    ``last_activity(*, user)`` that user's last activity (or None)."""

    export: Callable[..., dict]
    erase: Callable[..., None] | None = None
    active_user_ids: Callable | None = None
    last_activity: Callable | None = None


_providers: dict[str, PersonalDataProvider] = {}


def personal_data_provider_register(name: str, provider: PersonalDataProvider) -> None:
    """Registers (or replaces) the provider of the app called ``name``."""
    _providers[name] = provider


def personal_data_providers() -> list[PersonalDataProvider]:
    return list(_providers.values())


def _iso(value):
    return value.isoformat() if value is not None else None


def personal_data_for(*, user: User) -> dict:
    """Everything the platform holds about ``user`` (and only about them), JSON-able."""
    scope = HRScope.objects.filter(user=user).select_related("unit").first()
    data = {
        "generated_at": _iso(timezone.now()),
        "account": {
            "username": user.username,
            "matricule": user.matricule,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "first_name_ar": user.first_name_ar,
            "last_name_ar": user.last_name_ar,
            "email": user.email,
            "job_title": user.job_title,
            "unit": user.unit.name_fr if user.unit_id else None,
            "unit_code": user.unit.code if user.unit_id else None,
            "unit_since": _iso(user.unit_since),
            "preferred_language": user.preferred_language,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "hr_scope": None
            if scope is None
            else (scope.unit.code if scope.unit_id else "national"),
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "unit_moves": [
            {
                "from": m.from_unit.code if m.from_unit_id else None,
                "to": m.to_unit.code if m.to_unit_id else None,
                "moved_on": _iso(m.moved_on),
            }
            for m in UnitMove.objects.filter(user=user).select_related("from_unit", "to_unit")
        ],  # fmt: skip
    }
    for provider in personal_data_providers():
        data.update(provider.export(user=user))
    return data


@transaction.atomic
def user_personal_data_erase(*, user: User, actor, request=None) -> User:
    """Erasure on request: the person's identifying data is removed or anonymised.

    Kept, without anything that names the person: the account row (as ``erased-<id>``, with no
    password, e-mail or token, so nobody can sign in to it) with its unit, enrolments, progress, scores and certificates' status, so that
    every aggregate statistic stays the same and issued certificates stay verifiable as
    "issued; the holder's data was erased". Removed: names, matricule, e-mail, job title, HR
    scope, roles, unit history, quiz answers, the identity inside learning-record statements,
    the learner part of certificate snapshots and the certificate PDFs (they print the name).
    """
    from academy.audit.models import AuditAction
    from academy.audit.services import audit_record

    label = user.get_username()
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.first_name_ar = user.last_name_ar = ""
    user.email = ""
    user.matricule = None
    user.job_title = ""
    # ``is_active`` stays as it was: HR figures count active staff, and they must not change.
    # Nobody can sign in: no password, no e-mail for a reset, no API token.
    user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    HRScope.objects.filter(user=user).delete()
    UnitMove.objects.filter(user=user).delete()
    for provider in personal_data_providers():
        if provider.erase is not None:
            provider.erase(user=user)
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    audit_record(actor=actor, action=AuditAction.PERSONAL_DATA_ERASURE, target=user, request=request,
                 data={"was": label})  # fmt: skip
    return user


def inactive_accounts(*, days: int, now=None):
    """Active accounts with no sign-in and no activity recorded by any app (learning) for
    ``days`` days."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    accounts = User.objects.filter(is_active=True, date_joined__lt=cutoff).exclude(
        last_login__gte=cutoff
    )
    for provider in personal_data_providers():
        if provider.active_user_ids is not None:
            accounts = accounts.exclude(pk__in=provider.active_user_ids(since=cutoff))
    return accounts


def _last_activity(user: User):
    dates = [user.last_login] + [
        provider.last_activity(user=user)
        for provider in personal_data_providers()
        if provider.last_activity is not None
    ]
    return max(filter(None, dates), default=None)


def inactive_accounts_flag(*, days: int) -> int:
    """Flags, for an admin's review, the accounts inactive for ``days`` days (law 09-08
    retention); idempotent. Returns how many were newly flagged."""
    from academy.audit.models import RetentionFlag

    flagged = 0
    for user in inactive_accounts(days=days):
        _flag, created = RetentionFlag.objects.get_or_create(
            user=user, defaults={"last_activity": _last_activity(user)}
        )
        flagged += created
    return flagged
