"""Trends over time and the learners of one unit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from academy.accounts.models import User
from learners.models import Enrollment

from .scope import Scope, StatsFilters, enrollments_in_scope


@dataclass
class MonthPoint:
    month: datetime.date
    enrolments: int
    completions: int
    cumulative_enrolments: int
    cumulative_completions: int

    @property
    def rate(self) -> float | None:
        if not self.cumulative_enrolments:
            return None
        return round(100 * self.cumulative_completions / self.cumulative_enrolments, 1)


def completion_rate_over_time(
    *, scope: Scope, filters: StatsFilters, months: int = 12
) -> list[MonthPoint]:
    """Month by month: share of all enrolments so far that are completed (2 grouped queries)."""
    end = filters.date_to or timezone.localdate()
    first = (end.replace(day=1) - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    if filters.date_from and filters.date_from > first:
        first = filters.date_from.replace(day=1)
    base = enrollments_in_scope(scope=scope, filters=filters)
    end_dt = StatsFilters(date_to=end).end()

    def by_month(field_name: str, extra: Q) -> tuple[int, dict[datetime.date, int]]:
        qs = base.filter(extra, **{f"{field_name}__lt": end_dt})
        counts: dict[datetime.date, int] = {}
        prior = 0
        rows = (
            qs.annotate(month=TruncMonth(field_name))
            .values_list("month")
            .annotate(n=Count("id"))
            .order_by()
        )
        for month, n in rows:
            month = month.date() if isinstance(month, datetime.datetime) else month
            if month < first:
                prior += n
            else:
                counts[month] = counts.get(month, 0) + n
        return prior, counts

    prior_e, enrolments = by_month("enrolled_at", Q())
    prior_c, completions = by_month("completed_at", Q(status=Enrollment.Status.COMPLETED))
    points = []
    month = first
    cum_e, cum_c = prior_e, prior_c
    while month <= end:
        e, c = enrolments.get(month, 0), completions.get(month, 0)
        cum_e += e
        cum_c += c
        points.append(MonthPoint(month, e, c, cum_e, cum_c))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return points


def learners_of_unit(*, scope: Scope, filters: StatsFilters) -> QuerySet[User]:
    """The learners attached to the scope's unit itself (the last step of the drill-down)."""
    if scope.unit is None:
        return User.objects.none()
    qs = User.objects.filter(scope.visibility.q("unit"), unit=scope.unit, is_active=True)
    if filters.job_title:
        qs = qs.filter(job_title=filters.job_title)
    return qs.order_by("last_name", "first_name", "id")


@dataclass
class LearnerLine:
    user: User
    enrolments: int = 0
    completed: int = 0
    last_activity: datetime.datetime | None = None


def learner_lines(*, users: list[User], filters: StatsFilters) -> list[LearnerLine]:
    """Enrolment figures for a page of learners, in one grouped query."""
    qs = Enrollment.objects.filter(user_id__in=[u.pk for u in users])
    if filters.course_id:
        qs = qs.filter(course_id=filters.course_id)
    rows = {
        user_id: (n, done, last)
        for user_id, n, done, last in qs.values_list("user_id")
        .annotate(
            n=Count("id"),
            done=Count("id", filter=Q(status=Enrollment.Status.COMPLETED)),
            last=Max("last_activity_at"),
        )
        .order_by()
    }
    return [LearnerLine(u, *rows.get(u.pk, (0, 0, None))) for u in users]


def job_titles_in_scope(*, scope: Scope, limit: int = 200) -> list[str]:
    return list(
        User.objects.filter(scope.unit_q("unit"))
        .exclude(job_title="")
        .order_by("job_title")
        .values_list("job_title", flat=True)
        .distinct()[:limit]
    )
