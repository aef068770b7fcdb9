"""Reads of training campaigns: which campaigns an officer sees, who is in an audience, and
where each person stands (done on time, done late, in progress, not started, overdue).

Statuses are computed from the learning record (enrolments; certificates through
``certificate_status.certificates_held`` when a campaign requires a valid certificate) in a
constant number of queries, whatever the number of people, courses or units.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.accounts.models import User
from academy.accounts.selectors import Visibility
from academy.territories.models import Territory
from learners.models import Enrollment

from ..models import Assignment, Campaign, CampaignStatus
from .certificate_status import certificates_held

# Status of one person in a campaign (compliance), a partition of the assigned people.
ON_TIME = "on_time"
LATE = "late"
IN_PROGRESS = "in_progress"
NOT_STARTED = "not_started"
OVERDUE = "overdue"
COMPLIANCE_KEYS = (ON_TIME, LATE, IN_PROGRESS, NOT_STARTED, OVERDUE)
COMPLIANCE_LABELS = {
    "assigned": _("Assigned"),
    ON_TIME: _("Completed on time"),
    LATE: _("Completed late"),
    IN_PROGRESS: _("In progress"),
    NOT_STARTED: _("Not started"),
    OVERDUE: _("Overdue"),
}

# Status of one assigned course, as the learner sees it.
TO_DO = "to_do"
DONE = "done"
LEARNER_LABELS = {
    TO_DO: _("To do"),
    IN_PROGRESS: _("In progress"),
    DONE: _("Done"),
    OVERDUE: _("Overdue"),
}


# --- which campaigns --------------------------------------------------------------------


def campaigns_visible(*, visibility: Visibility) -> QuerySet[Campaign]:
    """Campaigns whose unit the person sees (national campaigns: national officers only)."""
    if visibility.nothing:
        return Campaign.objects.none()
    return Campaign.objects.filter(visibility.q("unit")).select_related("unit")


def campaign_get(*, visibility: Visibility, pk) -> Campaign:
    """The campaign, if the person sees it: ``Http404`` if unknown, ``PermissionDenied`` if not."""
    campaign = Campaign.objects.select_related("unit", "audience_unit").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    if visibility.nothing or not (
        visibility.everything or (campaign.unit and visibility.includes(campaign.unit))
    ):
        raise PermissionDenied("campaign outside scope")
    return campaign


# --- audience ---------------------------------------------------------------------------


def normalise_matricules(values) -> list[str]:
    return sorted({str(v).strip().upper() for v in values if str(v).strip()})


def audience_queryset(
    *,
    unit: Territory | None,
    audience_unit: Territory | None = None,
    job_titles=(),
    matricules=(),
) -> QuerySet[User]:
    """Active employees matching every rule, never outside ``unit`` (the campaign's unit)."""
    qs = User.objects.filter(is_active=True, unit__isnull=False)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if audience_unit is not None:
        qs = qs.filter(unit__path__startswith=audience_unit.path)
    if job_titles:
        qs = qs.filter(job_title__in=list(job_titles))
    if matricules:
        qs = qs.annotate(_matricule=Upper("matricule")).filter(
            _matricule__in=normalise_matricules(matricules)
        )
    return qs


def campaign_audience(*, campaign: Campaign) -> QuerySet[User]:
    return audience_queryset(
        unit=campaign.unit,
        audience_unit=campaign.audience_unit,
        job_titles=campaign.job_titles,
        matricules=campaign.matricules,
    )


# --- statuses ---------------------------------------------------------------------------


@dataclass
class CourseState:
    course_id: int
    done_on: datetime.date | None = None
    started: bool = False


@dataclass
class PersonState:
    user_id: int
    due_date: datetime.date
    courses: dict[int, CourseState] = field(default_factory=dict)

    @property
    def done_on(self) -> datetime.date | None:
        days = [c.done_on for c in self.courses.values()]
        if not days or any(d is None for d in days):
            return None
        return max(days)

    @property
    def started(self) -> bool:
        return any(c.started or c.done_on for c in self.courses.values())

    def status(self, today: datetime.date) -> str:
        done_on = self.done_on
        if done_on is not None:
            return ON_TIME if done_on <= self.due_date else LATE
        if today > self.due_date:
            return OVERDUE
        return IN_PROGRESS if self.started else NOT_STARTED

    def course_status(self, course_id: int, today: datetime.date) -> str:
        state = self.courses[course_id]
        if state.done_on is not None:
            return DONE
        if today > self.due_date:
            return OVERDUE
        return IN_PROGRESS if state.started else TO_DO


def person_states(
    *, campaign: Campaign, assignments: list[tuple[int, datetime.date]], course_ids: list[int]
) -> dict[int, PersonState]:
    """(user id, due date) pairs → their state in each course: one or two queries."""
    states = {
        user_id: PersonState(user_id, due, {c: CourseState(c) for c in course_ids})
        for user_id, due in assignments
    }
    if not states or not course_ids:
        return states
    user_ids = list(states)
    rows = Enrollment.objects.filter(user_id__in=user_ids, course_id__in=course_ids)
    for (
        user_id,
        course_id,
        status,
        completed_at,
        percent,
        enrolled_at,
        last_activity,
    ) in rows.values_list(
        "user_id",
        "course_id",
        "status",
        "completed_at",
        "progress_percent",
        "enrolled_at",
        "last_activity_at",
    ):
        state = states[user_id].courses[course_id]
        # Started: progress, or any activity since the enrolment (a lesson opened).
        state.started = status == "completed" or bool(percent) or last_activity > enrolled_at
        if status == "completed" and not campaign.requires_valid_certificate:
            state.done_on = timezone.localdate(completed_at)
    if campaign.requires_valid_certificate:
        held = certificates_held(user_ids=user_ids, course_ids=course_ids)
        for (user_id, course_id), day in held.items():
            states[user_id].courses[course_id].done_on = day
    return states


def campaign_course_ids(campaign: Campaign) -> list[int]:
    return list(campaign.courses.values_list("pk", flat=True))


# --- compliance -------------------------------------------------------------------------


@dataclass
class Compliance:
    assigned: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0

    def count(self, status: str) -> None:
        self.assigned += 1
        setattr(self, status, getattr(self, status) + 1)

    def add(self, other: Compliance) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def done_rate(self) -> float | None:
        if not self.assigned:
            return None
        return round(100 * (self.on_time + self.late) / self.assigned, 1)

    def as_dict(self) -> dict:
        return {
            "assigned": self.assigned,
            "completed_on_time": self.on_time,
            "completed_late": self.late,
            "in_progress": self.in_progress,
            "not_started": self.not_started,
            "overdue": self.overdue,
        }


@dataclass
class ComplianceRow:
    unit: Territory
    figures: Compliance
    has_children: bool = False


@dataclass
class PersonRow:
    user: User
    due_date: datetime.date
    done_on: datetime.date | None
    status: str

    @property
    def status_label(self) -> str:
        return str(COMPLIANCE_LABELS[self.status])


@dataclass
class CampaignCompliance:
    campaign: Campaign
    unit: Territory | None
    total: Compliance
    children: list[ComplianceRow]
    own: Compliance | None
    people: list[PersonRow] | None  # listed when the unit has no unit below it


def compliance_unit(*, campaign: Campaign, visibility: Visibility, code: str | None) -> Territory:
    """The unit of a compliance page: the campaign's unit by default; never outside it, never
    outside the person's scope (``PermissionDenied``)."""
    unit = campaign.unit
    if code == "national":
        unit = None
    elif code:
        unit = Territory.objects.filter(code=code).first()
        if unit is None:
            raise PermissionDenied("unknown unit")
    if unit is None:
        if not visibility.everything or campaign.unit is not None:
            raise PermissionDenied("national figures are for national officers")
        return None
    if campaign.unit is not None and not unit.path.startswith(campaign.unit.path):
        raise PermissionDenied("unit outside the campaign")
    if not visibility.includes(unit):
        raise PermissionDenied("unit outside scope")
    return unit


def campaign_compliance(
    *,
    campaign: Campaign,
    unit: Territory | None,
    today: datetime.date | None = None,
    with_people: bool = True,
) -> CampaignCompliance:
    """Figures of the people currently assigned in ``unit``'s subtree, per child unit.

    People are counted by their current unit (leavers are not counted at all). Six queries
    at most, whatever the size of the audience."""
    today = today or timezone.localdate()
    steplen = Territory.steplen
    depth = unit.depth if unit else 0
    child_len = steplen * (depth + 1)
    units_qs = Territory.objects.all()
    if unit is not None:
        units_qs = units_qs.filter(path__startswith=unit.path)

    active = Assignment.objects.filter(campaign=campaign, left_on__isnull=True)
    if unit is not None:
        active = active.filter(user__unit__path__startswith=unit.path)
    rows = list(active.values_list("user_id", "due_date", "user__unit__path"))
    states = person_states(
        campaign=campaign,
        assignments=[(uid, due) for uid, due, _p in rows],
        course_ids=campaign_course_ids(campaign),
    )

    total, own = Compliance(), Compliance()
    by_child: dict[str, Compliance] = defaultdict(Compliance)
    status_of: dict[int, str] = {}
    for user_id, _due, path in rows:
        status = states[user_id].status(today)
        status_of[user_id] = status
        total.count(status)
        if len(path) >= child_len:
            by_child[path[:child_len]].count(status)
        else:
            own.count(status)

    children = list(units_qs.filter(depth=depth + 1).order_by("name_fr"))
    parents = set(
        units_qs.filter(depth=depth + 2).values_list("path", flat=True)
    )  # (paths of grandchildren: their prefix is a child with children)
    parent_prefixes = {p[:child_len] for p in parents}
    child_rows = [
        ComplianceRow(child, by_child.get(child.path, Compliance()), child.path in parent_prefixes)
        for child in children
    ]
    people = None
    if with_people and unit is not None and not children:
        users = {u.pk: u for u in User.objects.filter(pk__in=list(status_of)).order_by("last_name")}
        people = [
            PersonRow(users[uid], states[uid].due_date, states[uid].done_on, status_of[uid])
            for uid in sorted(status_of, key=lambda i: (users[i].last_name, users[i].first_name, i))
        ]
    return CampaignCompliance(
        campaign=campaign,
        unit=unit,
        total=total,
        children=child_rows,
        own=own if own.assigned else None,
        people=people,
    )


def compliance_people(
    *, campaign: Campaign, unit: Territory | None, today: datetime.date | None = None
) -> list[tuple[User, Assignment, str]]:
    """Every person currently assigned in ``unit``'s subtree, with their status (exports)."""
    today = today or timezone.localdate()
    active = Assignment.objects.filter(campaign=campaign, left_on__isnull=True).select_related(
        "user__unit"
    )
    if unit is not None:
        active = active.filter(user__unit__path__startswith=unit.path)
    assignments = list(active.order_by("user__unit__code", "user__last_name", "id"))
    states = person_states(
        campaign=campaign,
        assignments=[(a.user_id, a.due_date) for a in assignments],
        course_ids=campaign_course_ids(campaign),
    )
    return [(a.user, a, states[a.user_id]) for a in assignments]


# --- the learner's side -----------------------------------------------------------------


@dataclass
class AssignedCourse:
    campaign: Campaign
    course_id: int
    due_date: datetime.date
    status: str

    @property
    def status_label(self) -> str:
        return str(LEARNER_LABELS[self.status])


def assigned_courses(*, user, today: datetime.date | None = None) -> list[AssignedCourse]:
    """The courses the person must complete in launched campaigns: overdue first, then by
    due date. Two queries, then one or two per campaign the person is in."""
    today = today or timezone.localdate()
    assignments = list(
        Assignment.objects.filter(
            user=user, left_on__isnull=True, campaign__status=CampaignStatus.ACTIVE
        )
        .select_related("campaign")
        .prefetch_related("campaign__courses")
    )
    result = []
    for assignment in assignments:
        campaign = assignment.campaign
        course_ids = [c.pk for c in campaign.courses.all()]
        state = person_states(
            campaign=campaign,
            assignments=[(user.pk, assignment.due_date)],
            course_ids=course_ids,
        )[user.pk]
        for course_id in course_ids:
            result.append(
                AssignedCourse(
                    campaign,
                    course_id,
                    assignment.due_date,
                    state.course_status(course_id, today),
                )
            )
    order = {OVERDUE: 0, IN_PROGRESS: 1, TO_DO: 2, DONE: 3}
    result.sort(key=lambda a: (order[a.status], a.due_date, a.course_id))
    return result


def assigned_courses_merged(*, user, today=None) -> list[tuple[AssignedCourse, list[Campaign]]]:
    """One line per course: the most pressing of its assignments, with every campaign that
    asks for it (a course may be required by more than one campaign)."""
    merged: dict[int, tuple[AssignedCourse, list[Campaign]]] = {}
    for item in assigned_courses(user=user, today=today):  # most pressing first
        if item.course_id in merged:
            merged[item.course_id][1].append(item.campaign)
        else:
            merged[item.course_id] = (item, [item.campaign])
    return list(merged.values())


@dataclass
class AssignedItem:
    campaigns: list[Campaign]
    title: str
    url: str
    due_date: datetime.date
    status: str
    status_label: str


def assigned_training_for(*, user, request=None) -> list[AssignedItem]:
    """``assigned_courses`` with each course's title and address in the active language."""
    if not getattr(user, "is_authenticated", False):
        return []
    assigned = assigned_courses_merged(user=user)
    if not assigned:
        return []
    from courses.models import CoursePage

    ids = {a.course_id for a, _c in assigned}
    pages = {p.pk: p for p in CoursePage.objects.filter(pk__in=ids)}
    items = []
    for a, campaigns in assigned:
        page = pages.get(a.course_id)
        if page is None:
            continue
        localized = page.localized
        items.append(
            AssignedItem(
                campaigns,
                localized.title,
                localized.get_url(request) or "",
                a.due_date,
                a.status,
                a.status_label,
            )
        )
    return items
