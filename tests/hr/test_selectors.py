import pytest
from django.core.exceptions import PermissionDenied

from academy.accounts.selectors import Visibility, visibility_for
from hr.selectors import (
    ATTRIBUTION_CURRENT,
    StatsFilters,
    completion_rate_over_time,
    scope_for,
    unit_rollup,
)
from tests import factories as base
from tests.hr import factories


def test_rollup_national_totals_and_children(world):
    scope = scope_for(visibility=Visibility(everything=True), code="national")
    rollup = unit_rollup(scope=scope, filters=StatsFilters())
    t = rollup.total
    # 6 learners + 4 officers are staff? officers have no unit: only the 6 learners count.
    assert (t.staff, t.enrolled_learners, t.enrolments, t.completions, t.certificates) == (
        6,
        6,
        6,
        5,
        5,
    )
    assert t.completion_rate == pytest.approx(83.3)
    assert t.average_score == 80.0
    by_code = {row.unit.code: row.figures for row in rollup.children}
    r1, r2 = world["tree"]["r1"], world["tree"]["r2"]
    assert (by_code[r1.code].staff, by_code[r1.code].completions) == (4, 3)
    assert (by_code[r2.code].staff, by_code[r2.code].completions) == (2, 2)


def test_rollup_province_shows_own_staff_separately(world):
    officer = world["officers"]["province"]
    rollup = unit_rollup(
        scope=scope_for(visibility=visibility_for(officer)), filters=StatsFilters()
    )
    assert [row.unit.code for row in rollup.children] == sorted(
        [world["tree"]["c1"].code, world["tree"]["c2"].code],
        key=lambda code: {world["tree"]["c1"].code: "Berkane", world["tree"]["c2"].code: "Aklim"}[
            code
        ],
    )
    assert rollup.own.staff == 1 and rollup.own.completions == 1
    assert rollup.total.staff == 4


def test_active_learners_counts_last_30_days(world):
    scope = scope_for(visibility=Visibility(everything=True), code=world["tree"]["c1"].code)
    figures = unit_rollup(scope=scope, filters=StatsFilters()).total
    assert figures.enrolled_learners == 2
    assert figures.active_learners == 2  # activity 10 days ago and today
    old = factories.learner(world["tree"]["c1"], username="old")
    factories.enrollment(user=old, course=world["course"], days_ago=90)
    figures = unit_rollup(scope=scope, filters=StatsFilters()).total
    assert (figures.enrolled_learners, figures.active_learners) == (3, 2)


def test_enrolled_and_active_learners_follow_the_job_title_and_leave_out_deactivated_staff(world):
    everything = scope_for(visibility=Visibility(everything=True))
    engineers = unit_rollup(scope=everything, filters=StatsFilters(job_title="Ingénieur")).total
    assert (engineers.enrolled_learners, engineers.active_learners) == (1, 1)
    gone = world["people"]["c2"]
    gone.is_active = False
    gone.save()
    figures = unit_rollup(scope=everything, filters=StatsFilters()).total
    assert (figures.staff, figures.enrolled_learners) == (5, 5)


def test_completion_attributed_to_unit_at_completion_or_current_unit(world):
    t = world["tree"]
    mover = factories.learner(t["c3"], username="mover")
    factories.enrollment(
        user=mover, course=world["course"], completed=True, unit_at_completion=t["c3"]
    )
    mover.unit = t["c1"]
    mover.save()
    c1 = scope_for(visibility=Visibility(everything=True), code=t["c1"].code)
    c3 = scope_for(visibility=Visibility(everything=True), code=t["c3"].code)
    assert unit_rollup(scope=c1, filters=StatsFilters()).total.completions == 1
    assert unit_rollup(scope=c3, filters=StatsFilters()).total.completions == 2
    current = StatsFilters(attribution=ATTRIBUTION_CURRENT)
    assert unit_rollup(scope=c1, filters=current).total.completions == 2
    assert unit_rollup(scope=c3, filters=current).total.completions == 1


def test_filters_course_job_title_and_period(world):
    other = factories.course("Autre cours")
    factories.enrollment(
        user=world["people"]["c1"],
        course=other,
        completed=True,
        final_score="50",
        days_ago=400,
        completed_days_ago=380,
    )
    everything = scope_for(visibility=Visibility(everything=True))
    assert (
        unit_rollup(scope=everything, filters=StatsFilters(course_id=other.pk)).total.completions
        == 1
    )
    assert (
        unit_rollup(scope=everything, filters=StatsFilters(job_title="Ingénieur")).total.enrolments
        == 1
    )
    import datetime

    recent = StatsFilters(date_from=datetime.date.today() - datetime.timedelta(days=60))
    assert unit_rollup(scope=everything, filters=recent).total.completions == 5
    assert unit_rollup(scope=everything, filters=StatsFilters()).total.completions == 6


def test_revoked_certificates_are_not_counted(world):
    enrolment = factories.enrollment(
        user=factories.learner(world["tree"]["c2"], username="rv"),
        course=world["course"],
        completed=True,
    )
    factories.certificate(enrollment=enrolment, status="revoked")
    scope = scope_for(visibility=Visibility(everything=True), code=world["tree"]["c2"].code)
    assert unit_rollup(scope=scope, filters=StatsFilters()).total.certificates == 1


def test_completion_rate_over_time_is_cumulative(world):
    scope = scope_for(visibility=Visibility(everything=True))
    points = completion_rate_over_time(scope=scope, filters=StatsFilters(), months=3)
    assert len(points) in (3, 4)
    assert points[-1].cumulative_enrolments == 6 and points[-1].cumulative_completions == 5


@pytest.mark.parametrize(
    "level, outside",
    [
        ("commune", "c2"),
        ("commune", "p1"),
        ("province", "r1"),
        ("province", "p2"),
        ("region", "r2"),
        ("region", "c3"),
    ],
)
def test_scope_for_refuses_units_outside_scope(world, level, outside):
    with pytest.raises(PermissionDenied):
        scope_for(
            visibility=visibility_for(world["officers"][level]), code=world["tree"][outside].code
        )


def test_scope_for_refuses_national_to_a_regional_officer(world):
    with pytest.raises(PermissionDenied):
        scope_for(visibility=visibility_for(world["officers"]["region"]), code="national")


def test_scope_for_refuses_people_without_scope(world):
    with pytest.raises(PermissionDenied):
        scope_for(visibility=visibility_for(base.UserFactory(username="nobody")))


def test_snapshot_serves_the_same_figures_as_live_within_each_scope(world, settings):
    from hr.selectors import stats_snapshot_store

    officer = world["officers"]["province"]
    live = unit_rollup(scope=scope_for(visibility=visibility_for(officer)), filters=StatsFilters())
    settings.HR_STATS_SNAPSHOT_MAX_AGE = 600
    stats_snapshot_store(attribution="completion")
    served = unit_rollup(
        scope=scope_for(visibility=visibility_for(officer)), filters=StatsFilters()
    )
    assert served.as_of is not None and live.as_of is None
    assert served.total.as_dict() == live.total.as_dict()
    assert [r.figures.as_dict() for r in served.children] == [
        r.figures.as_dict() for r in live.children
    ]
    # The national snapshot never leaks other regions into a province's figures.
    assert served.total.staff == 4


def test_snapshot_is_not_used_for_filters_or_when_stale(world, settings):
    import datetime

    from django.utils import timezone

    from hr.selectors import stats_snapshot_store

    settings.HR_STATS_SNAPSHOT_MAX_AGE = 600
    stats_snapshot_store(attribution="completion")
    scope = scope_for(visibility=Visibility(everything=True))
    assert unit_rollup(scope=scope, filters=StatsFilters(job_title="Ingénieur")).as_of is None
    factories.enrollment(
        user=factories.learner(world["tree"]["c4"], username="late"),
        course=world["course"],
        completed=True,
    )
    assert unit_rollup(scope=scope, filters=StatsFilters()).total.completions == 5  # the snapshot
    later = timezone.now() + datetime.timedelta(seconds=601)
    from unittest import mock

    with mock.patch("hr.selectors.figures.timezone.now", return_value=later):
        rollup = unit_rollup(scope=scope, filters=StatsFilters())
    assert rollup.as_of is None and rollup.total.completions == 6


def test_snapshot_refresh_task_stores_both_attributions(world, settings):
    from django.core.cache import cache

    from hr.tasks import stats_snapshot_refresh_task

    settings.HR_STATS_SNAPSHOT_MAX_AGE = 600
    stats_snapshot_refresh_task()
    assert cache.get("hr:stats-snapshot:v1:completion") and cache.get(
        "hr:stats-snapshot:v1:current"
    )
