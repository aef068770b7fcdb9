"""Figures per unit, the roll-up over child units, and the national snapshot."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from academy.accounts.models import User
from academy.accounts.selectors import Visibility
from academy.territories.models import Territory
from certificates.models import Certificate
from learners.models import Enrollment

from .scope import (
    ACTIVE_DAYS,
    ATTRIBUTION_CURRENT,
    Scope,
    StatsFilters,
    attributed_unit_expression,
    staff_in_scope,
)

FIGURE_FIELDS = (
    "staff",
    "enrolled_learners",
    "active_learners",
    "enrolments",
    "cohort_completed",
    "completions",
    "score_sum",
    "score_count",
    "certificates",
)


@dataclass
class Figures:
    staff: int = 0
    enrolled_learners: int = 0
    active_learners: int = 0
    enrolments: int = 0
    cohort_completed: int = 0
    completions: int = 0
    score_sum: float = 0.0
    score_count: int = 0
    certificates: int = 0

    @property
    def completion_rate(self) -> float | None:
        """Share (%) of the enrolments (of the period) that are completed."""
        if not self.enrolments:
            return None
        return round(100 * self.cohort_completed / self.enrolments, 1)

    @property
    def average_score(self) -> float | None:
        if not self.score_count:
            return None
        return round(self.score_sum / self.score_count, 1)

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {
            "staff": self.staff,
            "enrolled_learners": self.enrolled_learners,
            "active_learners": self.active_learners,
            "enrolments": self.enrolments,
            "completions": self.completions,
            "completion_rate": self.completion_rate,
            "average_final_score": self.average_score,
            "certificates": self.certificates,
        }


def _people_by_unit(*, scope: Scope, filters: StatsFilters) -> list[tuple[int, int, int]]:
    """(unit id, learners enrolled, learners active in the last 30 days) by current unit.

    Enrolments are first reduced to one row per learner (latest activity), then joined to
    the learner's unit: two hash aggregates instead of COUNT(DISTINCT ...), which sorts.
    """
    per_learner = Enrollment.objects.filter(scope.unit_q("user__unit")).filter(
        filters.period_q("enrolled_at")
    )
    if filters.course_id:
        per_learner = per_learner.filter(course_id=filters.course_id)
    per_learner = per_learner.values("user_id").annotate(last=Max("last_activity_at")).order_by()
    inner_sql, inner_params = per_learner.query.sql_with_params()
    connection = connections[per_learner.db]
    since = connection.ops.adapt_datetimefield_value(
        timezone.now() - datetime.timedelta(days=ACTIVE_DAYS)
    )
    user_table = connection.ops.quote_name(User._meta.db_table)
    # The learner's own conditions apply once, in the outer join: joining the users inside
    # too made PostgreSQL hash the whole user table in every parallel worker.
    where, where_params = "u.is_active", []
    if filters.job_title:
        where, where_params = "u.is_active AND u.job_title = %s", [filters.job_title]
    sql = (
        f"SELECT u.unit_id, COUNT(*), COUNT(*) FILTER (WHERE e.last >= %s) "
        f"FROM ({inner_sql}) e INNER JOIN {user_table} u ON u.id = e.user_id "
        f"WHERE {where} GROUP BY u.unit_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (since, *inner_params, *where_params))
        return cursor.fetchall()


def _attribution_parts(
    *, scope: Scope, attribution: str, prefix: str = ""
) -> list[tuple[Q, object]]:
    """(filter, unit expression) pairs whose rows, added up, are the enrolments of the scope.

    Within a unit, completed enrolments are found by ``unit_at_completion`` and the others
    by ``unit_at_enrolment``: two index-friendly queries instead of one OR that scans.
    """
    if attribution == ATTRIBUTION_CURRENT:
        return [(scope.unit_q(f"{prefix}user__unit"), F(f"{prefix}user__unit_id"))]
    if scope.unit is None and scope.visibility.everything:
        return [(Q(), attributed_unit_expression(attribution, prefix))]
    return [
        (scope.unit_q(f"{prefix}unit_at_completion"), F(f"{prefix}unit_at_completion_id")),
        (
            Q(**{f"{prefix}unit_at_completion__isnull": True})
            & scope.unit_q(f"{prefix}unit_at_enrollment"),
            F(f"{prefix}unit_at_enrollment_id"),
        ),
    ]


def figures_by_unit(*, scope: Scope, filters: StatsFilters) -> dict[int | None, Figures]:
    """Figures of each unit of the scope on its own (not including its subtree): 4 to 6 queries."""
    per_unit: dict[int | None, Figures] = defaultdict(Figures)

    staff = staff_in_scope(scope=scope, filters=filters)
    for unit_id, n in staff.values_list("unit_id").annotate(n=Count("id")).order_by():
        per_unit[unit_id].staff = n
    for unit_id, enrolled, active in _people_by_unit(scope=scope, filters=filters):
        figures = per_unit[unit_id]
        figures.enrolled_learners, figures.active_learners = enrolled, active

    enrolled_in_period = filters.period_q("enrolled_at")
    completed_in_period = Q(status=Enrollment.Status.COMPLETED) & filters.period_q("completed_at")
    base = Enrollment.objects.all()
    if filters.course_id:
        base = base.filter(course_id=filters.course_id)
    if filters.job_title:
        base = base.filter(user__job_title=filters.job_title)
    if filters.date_from or filters.date_to:
        base = base.filter(enrolled_in_period | completed_in_period)
    for where, unit_expression in _attribution_parts(scope=scope, attribution=filters.attribution):
        rows = (
            base.filter(where)
            .annotate(attributed=unit_expression)
            .values_list("attributed")
            .annotate(
                enrolments=Count("id", filter=enrolled_in_period),
                cohort_completed=Count(
                    "id", filter=enrolled_in_period & Q(status=Enrollment.Status.COMPLETED)
                ),
                completions=Count("id", filter=completed_in_period),
                score_sum=Sum("final_score", filter=completed_in_period),
                score_count=Count("final_score", filter=completed_in_period),
            )
            .order_by()
        )
        for unit_id, n_enrolments, cohort, completions, score_sum, score_count in rows:
            figures = per_unit[unit_id]
            figures.enrolments += n_enrolments
            figures.cohort_completed += cohort
            figures.completions += completions
            figures.score_sum += float(score_sum or 0)
            figures.score_count += score_count

    certificates = Certificate.objects.filter(status=Certificate.Status.VALID).filter(
        filters.period_q("issued_at")
    )
    if filters.course_id:
        certificates = certificates.filter(enrollment__course_id=filters.course_id)
    if filters.job_title:
        certificates = certificates.filter(enrollment__user__job_title=filters.job_title)
    for where, unit_expression in _attribution_parts(
        scope=scope, attribution=filters.attribution, prefix="enrollment__"
    ):
        rows = (
            certificates.filter(where)
            .annotate(attributed=unit_expression)
            .values_list("attributed")
            .annotate(n=Count("id"))
            .order_by()
        )
        for unit_id, n in rows:
            per_unit[unit_id].certificates += n
    return per_unit


SNAPSHOT_KEY = "hr:stats-snapshot:v1:{attribution}"


def stats_snapshot_max_age() -> int:
    """Seconds a national snapshot of the unfiltered figures is served (0: always live)."""
    return int(getattr(settings, "HR_STATS_SNAPSHOT_MAX_AGE", 900))


def stats_snapshot_store(*, attribution: str) -> datetime.datetime:
    """Compute the unfiltered figures of every unit of the country and keep them in the cache.

    Called by the periodic task ``hr.tasks.stats_snapshot_refresh_task``. The snapshot
    holds per-unit figures only; each reader keeps the units of its own scope.
    """
    scope = Scope(visibility=Visibility(everything=True), unit=None)
    per_unit = figures_by_unit(scope=scope, filters=StatsFilters(attribution=attribution))
    at = timezone.now()
    payload = {
        "at": at.isoformat(),
        "units": {uid: [getattr(f, name) for name in FIGURE_FIELDS] for uid, f in per_unit.items()},
    }
    cache.set(
        SNAPSHOT_KEY.format(attribution=attribution), payload, max(2 * stats_snapshot_max_age(), 60)
    )
    return at


def figures_by_unit_served(
    *, scope: Scope, filters: StatsFilters
) -> tuple[dict[int | None, Figures], datetime.datetime | None]:
    """Per-unit figures from a fresh snapshot when the filters are the defaults, else live.

    Returns the figures and the time of the snapshot (None: computed now).
    """
    max_age = stats_snapshot_max_age()
    if max_age > 0 and filters == StatsFilters(attribution=filters.attribution):
        payload = cache.get(SNAPSHOT_KEY.format(attribution=filters.attribution))
        if payload:
            at = datetime.datetime.fromisoformat(payload["at"])
            if (timezone.now() - at).total_seconds() <= max_age:
                return {uid: Figures(*values) for uid, values in payload["units"].items()}, at
    return figures_by_unit(scope=scope, filters=filters), None


@dataclass
class ChildRow:
    unit: Territory | None  # None: figures recorded on the scope's unit itself
    figures: Figures
    has_children: bool = False


@dataclass
class Rollup:
    scope: Scope
    total: Figures
    children: list[ChildRow] = field(default_factory=list)
    own: Figures | None = None  # figures attached to the unit itself, not to a child
    as_of: datetime.datetime | None = None  # time of the snapshot served; None: live


def unit_rollup(*, scope: Scope, filters: StatsFilters) -> Rollup:
    """The scope's totals and the same figures for each of its child units, side by side."""
    steplen = Territory.steplen
    depth = scope.unit.depth if scope.unit else 0
    child_len = steplen * (depth + 1)
    units = list(scope.units().values_list("id", "path"))
    child_path_of = {uid: path[:child_len] for uid, path in units if len(path) >= child_len}
    own_ids = {uid for uid, path in units if len(path) < child_len}

    per_unit, as_of = figures_by_unit_served(scope=scope, filters=filters)
    by_child: dict[str, Figures] = defaultdict(Figures)
    own = Figures()
    total = Figures()
    for unit_id, figures in per_unit.items():
        if unit_id in child_path_of:
            by_child[child_path_of[unit_id]].add(figures)
        elif unit_id in own_ids:
            own.add(figures)
        else:
            continue  # no unit, or outside the scope: never counted
        total.add(figures)

    children = list(scope.units().filter(depth=depth + 1).order_by("name_fr"))
    parent_paths = {path[:child_len] for uid, path in units if len(path) > child_len}
    rows = [
        ChildRow(
            unit=child,
            figures=by_child.get(child.path, Figures()),
            has_children=child.path in parent_paths,
        )
        for child in children
    ]
    has_own = any(getattr(own, name) for name in own.__dataclass_fields__)
    return Rollup(
        scope=scope, total=total, children=rows, own=own if has_own else None, as_of=as_of
    )
