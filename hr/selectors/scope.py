"""Scope of the HR figures: the filters and the units one person may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from academy.accounts.models import User
from academy.accounts.selectors import Visibility
from academy.territories.models import Territory
from learners.models import Enrollment

ATTRIBUTION_COMPLETION = "completion"
ATTRIBUTION_CURRENT = "current"
ACTIVE_DAYS = 30
# Filter periods outside these dates are refused (4xx) rather than overflowing date arithmetic.
PERIOD_MIN = datetime.date(2000, 1, 1)
PERIOD_MAX = datetime.date(2100, 12, 31)
MAX_ID = 2**31 - 1  # the largest primary key a filter may name


@dataclass(frozen=True)
class StatsFilters:
    course_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    job_title: str = ""
    attribution: str = ATTRIBUTION_COMPLETION

    def as_dict(self) -> dict:
        return {
            "course_id": self.course_id,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "job_title": self.job_title,
            "attribution": self.attribution,
        }

    @classmethod
    def from_dict(cls, data: dict) -> StatsFilters:
        def date(value):
            return datetime.date.fromisoformat(value) if value else None

        return cls(
            course_id=data.get("course_id") or None,
            date_from=date(data.get("date_from")),
            date_to=date(data.get("date_to")),
            job_title=data.get("job_title") or "",
            attribution=data.get("attribution") or ATTRIBUTION_COMPLETION,
        )

    def start(self) -> datetime.datetime | None:
        if self.date_from is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(self.date_from, datetime.time.min))

    def end(self) -> datetime.datetime | None:
        """Exclusive upper bound: the day after ``date_to`` at midnight."""
        if self.date_to is None:
            return None
        day_after = self.date_to + datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day_after, datetime.time.min))

    def period_q(self, field_name: str) -> Q:
        q = Q()
        if self.start():
            q &= Q(**{f"{field_name}__gte": self.start()})
        if self.end():
            q &= Q(**{f"{field_name}__lt": self.end()})
        return q


# --- scope --------------------------------------------------------------------------------


class Scope:
    """One unit (or the whole country) seen by one person: a unit they may see, and its subtree."""

    def __init__(self, *, visibility: Visibility, unit: Territory | None):
        if visibility.nothing:
            raise PermissionDenied("not an HR officer")
        if unit is None and not visibility.everything:
            unit = visibility.root
        if unit is not None and not visibility.includes(unit):
            raise PermissionDenied("unit outside scope")
        self.visibility = visibility
        self.unit = unit

    @property
    def code(self) -> str:
        return self.unit.code if self.unit else "national"

    def units(self) -> QuerySet[Territory]:
        if self.unit is None:
            return Territory.objects.all()
        return Territory.objects.descendant_of(self.unit)

    def unit_ids(self) -> QuerySet:
        """Ids of the units of this scope that the person may see (a subquery)."""
        qs = Territory.objects.all()
        if not self.visibility.everything:
            qs = qs.descendant_of(self.visibility.root)
        if self.unit is not None:
            qs = qs.descendant_of(self.unit)
        return qs.values("id")

    def unit_q(self, field_name: str) -> Q:
        """Rows whose ``field_name`` (a FK to a unit) is in this scope, and visible.

        An ``IN (subquery of ids)`` lets the database use the foreign key's index.
        """
        if self.unit is None and self.visibility.everything:
            return Q()
        return Q(**{f"{field_name}__in": self.unit_ids()})

    def attributed_q(self, prefix: str, attribution: str) -> Q:
        """Enrolments (``prefix`` leads to an Enrollment) attributed to this scope."""
        if attribution == ATTRIBUTION_CURRENT:
            return self.unit_q(f"{prefix}user__unit")
        if self.unit is None and self.visibility.everything:
            return Q()  # (an empty Q would swallow the OR below)
        return self.unit_q(f"{prefix}unit_at_completion") | (
            Q(**{f"{prefix}unit_at_completion__isnull": True})
            & self.unit_q(f"{prefix}unit_at_enrollment")
        )


def scope_for(*, visibility: Visibility, code: str | None = None) -> Scope:
    """The scope of ``code`` (default: the officer's own unit); ``PermissionDenied`` outside."""
    unit = None
    if code and code != "national":
        unit = Territory.objects.filter(code=code).first()
        if unit is None:
            raise PermissionDenied("unknown unit")
    elif code == "national" and not visibility.everything:
        raise PermissionDenied("national figures are for national officers")
    return Scope(visibility=visibility, unit=unit)


def attributed_unit_expression(attribution: str, prefix: str = ""):
    if attribution == ATTRIBUTION_CURRENT:
        return F(f"{prefix}user__unit_id")
    return Coalesce(f"{prefix}unit_at_completion_id", f"{prefix}unit_at_enrollment_id")


def enrollments_in_scope(*, scope: Scope, filters: StatsFilters) -> QuerySet:
    qs = Enrollment.objects.filter(scope.attributed_q("", filters.attribution))
    if filters.course_id:
        qs = qs.filter(course_id=filters.course_id)
    if filters.job_title:
        qs = qs.filter(user__job_title=filters.job_title)
    return qs


def staff_in_scope(*, scope: Scope, filters: StatsFilters) -> QuerySet[User]:
    qs = User.objects.filter(scope.unit_q("unit"), is_active=True)
    if filters.job_title:
        qs = qs.filter(job_title=filters.job_title)
    return qs


# --- figures ------------------------------------------------------------------------------
