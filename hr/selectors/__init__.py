"""Reads of the HR app: scoped statistics per territorial unit.

Every function takes the ``Visibility`` of the person asking (from
``academy.accounts.selectors.visibility_for``) and never returns anything outside it.

Figures per child unit come from a handful of grouped queries (one per family of
figures, grouped by unit id) rolled up in Python over the subtree: the cost does not
grow with the number of children, and no query is made per unit.

Two families of figures:
- people (staff registered, learners enrolled, active in the last 30 days) count
  employees by their *current* unit; a person has one unit, so these sums are exact;
- training outcomes (enrolments, completions, completion rate, average final score,
  certificates) are attributed to the unit at completion (the unit at enrolment while
  not completed) by default, or to the learner's current unit on request.
"""

from .figures import (
    FIGURE_FIELDS,
    SNAPSHOT_KEY,
    ChildRow,
    Figures,
    Rollup,
    figures_by_unit,
    figures_by_unit_served,
    stats_snapshot_max_age,
    stats_snapshot_store,
    unit_rollup,
)
from .scope import (
    ACTIVE_DAYS,
    ATTRIBUTION_COMPLETION,
    ATTRIBUTION_CURRENT,
    Scope,
    StatsFilters,
    attributed_unit_expression,
    enrollments_in_scope,
    scope_for,
    staff_in_scope,
)
from .trends import (
    LearnerLine,
    MonthPoint,
    completion_rate_over_time,
    job_titles_in_scope,
    learner_lines,
    learners_of_unit,
)

__all__ = [
    "ACTIVE_DAYS",
    "ATTRIBUTION_COMPLETION",
    "ATTRIBUTION_CURRENT",
    "FIGURE_FIELDS",
    "SNAPSHOT_KEY",
    "ChildRow",
    "Figures",
    "LearnerLine",
    "MonthPoint",
    "Rollup",
    "Scope",
    "StatsFilters",
    "attributed_unit_expression",
    "completion_rate_over_time",
    "enrollments_in_scope",
    "figures_by_unit",
    "figures_by_unit_served",
    "job_titles_in_scope",
    "learner_lines",
    "learners_of_unit",
    "scope_for",
    "staff_in_scope",
    "stats_snapshot_max_age",
    "stats_snapshot_store",
    "unit_rollup",
]
