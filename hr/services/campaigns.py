"""Writes of training campaigns: save, dry run, launch, keep the audience in step, remind.

- ``campaign_save`` checks the scope: a campaign's unit is one the officer sees, and its
  audience rules never reach outside that unit (``audience_queryset`` cuts to it anyway).
- ``campaign_preview`` is the dry run: who would be assigned, what would be created.
- ``campaign_launch`` is all or nothing: one transaction assigns and enrols everyone.
- ``campaign_audience_sync`` makes the assignments follow the staff: newcomers (import,
  unit move, new job title) are assigned with their own due date and enrolled; leavers keep
  their row (``left_on``) and are no longer counted. Run on every change of an employee
  (``hr.signals``) and every night for all launched campaigns (Celery beat).
- Reminders and the overdue digest are sent by Celery beat, each at most once: a
  ``CampaignNotice`` row per (campaign, recipient, event), unique, written in the same
  transaction as the sending (a failed send leaves no row and is tried again next run).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from academy.accounts.models import HRScope, User
from academy.accounts.selectors import Visibility

from ..models import Assignment, Campaign, CampaignNotice, CampaignStatus, DueMode
from ..selectors.campaigns import (
    OVERDUE,
    audience_queryset,
    campaign_audience,
    campaign_course_ids,
    normalise_matricules,
    person_states,
)

MAX_REMINDER_DAYS = 365
DIGEST_LIST_LIMIT = 50


# --- saving -------------------------------------------------------------------------------


def _days_list(values, *, label: str) -> list[int]:
    days = sorted({int(v) for v in values})
    if any(d < 0 or d > MAX_REMINDER_DAYS for d in days):
        raise ValidationError(
            _("%(label)s: each number of days is between 0 and %(max)d.")
            % {"label": label, "max": MAX_REMINDER_DAYS}
        )
    return days


@transaction.atomic
def campaign_save(
    *,
    actor,
    visibility: Visibility,
    campaign: Campaign | None = None,
    title: str,
    title_ar: str = "",
    unit,
    courses,
    audience_unit=None,
    job_titles=(),
    matricules=(),
    staff_file_name: str = "",
    due_mode: str = DueMode.FIXED,
    due_date: datetime.date | None = None,
    due_days: int | None = None,
    requires_valid_certificate: bool = False,
    reminder_days_before=(14, 3),
    reminder_days_after=(1, 7),
    today: datetime.date | None = None,
) -> Campaign:
    """Create or change a campaign within the actor's scope. A launched campaign's audience
    is synchronised at once (newcomers assigned, leavers set aside, due dates moved)."""
    if visibility.nothing:
        raise PermissionDenied(_("Only HR officers and administrators manage campaigns."))
    if unit is None and not visibility.everything:
        raise PermissionDenied(_("Only national officers create national campaigns."))
    if unit is not None and not visibility.includes(unit):
        raise PermissionDenied(_("This unit is outside your scope."))
    if campaign is not None and campaign.pk:
        if not (visibility.everything or (campaign.unit and visibility.includes(campaign.unit))):
            raise PermissionDenied(_("This campaign is outside your scope."))
        if campaign.status == CampaignStatus.CLOSED:
            raise ValidationError(_("A closed campaign cannot be changed."))
    if (
        audience_unit is not None
        and unit is not None
        and not audience_unit.path.startswith(unit.path)
    ):
        raise ValidationError(_("The audience's unit must be the campaign's unit or below it."))
    courses = list(courses)
    if not courses:
        raise ValidationError(_("Choose at least one course."))
    if due_mode == DueMode.FIXED and due_date is None:
        raise ValidationError(_("Enter the due date."))
    if due_mode == DueMode.RELATIVE and not due_days:
        raise ValidationError(_("Enter the number of days after joining."))
    campaign = campaign or Campaign(created_by=actor)
    campaign.title = title.strip()
    campaign.title_ar = title_ar.strip()
    campaign.unit = unit
    campaign.audience_unit = audience_unit
    campaign.job_titles = sorted({t.strip() for t in job_titles if t.strip()})
    campaign.matricules = normalise_matricules(matricules)
    campaign.staff_file_name = staff_file_name[:255]
    campaign.due_mode = due_mode
    campaign.due_date = due_date if due_mode == DueMode.FIXED else None
    campaign.due_days = due_days if due_mode == DueMode.RELATIVE else None
    campaign.requires_valid_certificate = requires_valid_certificate
    campaign.reminder_days_before = _days_list(
        reminder_days_before, label=_("Reminders before the due date")
    )
    campaign.reminder_days_after = _days_list(
        reminder_days_after, label=_("Reminders after the due date")
    )
    before = set(campaign.courses.values_list("pk", flat=True)) if campaign.pk else set()
    campaign.save()
    campaign.courses.set(courses)
    if campaign.status == CampaignStatus.ACTIVE:
        campaign_audience_sync(campaign=campaign, today=today)
        if {c.pk for c in courses} - before:  # a course added: everyone assigned is enrolled
            assigned = User.objects.filter(
                campaign_assignments__campaign=campaign, campaign_assignments__left_on__isnull=True
            )
            _enrol(campaign=campaign, users=list(assigned), strict=False)
    return campaign


# --- dry run and launch -------------------------------------------------------------------


@dataclass
class Preview:
    audience: int
    courses: int
    enrolments_new: int
    already_enrolled: int
    unpublished: list[str]

    @property
    def ok(self) -> bool:
        return self.audience > 0 and not self.unpublished


def campaign_preview(*, campaign: Campaign) -> Preview:
    """What launching would do, without writing anything: four queries."""
    from learners.models import Enrollment

    audience = campaign_audience(campaign=campaign)
    size = audience.count()
    courses = list(campaign.courses.all())
    existing = Enrollment.objects.filter(
        user__in=audience.values("pk"), course__in=[c.pk for c in courses]
    ).count()
    return Preview(
        audience=size,
        courses=len(courses),
        enrolments_new=size * len(courses) - existing,
        already_enrolled=existing,
        unpublished=[c.title for c in courses if not c.live],
    )


def campaign_launch(*, campaign: Campaign, today: datetime.date | None = None) -> int:
    """Launch a draft: assign and enrol its whole audience in one transaction. Returns the
    number of people assigned. Any failure (an unpublished course, an empty audience, a
    database error) leaves the campaign a draft with nothing created."""
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != CampaignStatus.DRAFT:
            raise ValidationError(_("This campaign was already launched."))
        courses = list(locked.courses.all())
        if not courses:
            raise ValidationError(_("Choose at least one course."))
        unpublished = [c.title for c in courses if not c.live]
        if unpublished:
            raise ValidationError(
                _("These courses are not published: %(titles)s.")
                % {"titles": ", ".join(unpublished)}
            )
        locked.status = CampaignStatus.ACTIVE
        locked.launched_at = timezone.now()
        locked.save(update_fields=["status", "launched_at"])
        result = campaign_audience_sync(campaign=locked, today=today, strict=True)
        if not result.joined:
            raise ValidationError(_("Nobody matches the audience rules: nothing was launched."))
    campaign.refresh_from_db()
    return result.joined


def campaign_close(*, campaign: Campaign) -> Campaign:
    """No more newcomers, reminders or digests; figures stay readable."""
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    return campaign


# --- the dynamic audience -----------------------------------------------------------------


@dataclass
class SyncResult:
    joined: int = 0
    left: int = 0
    due_moved: int = 0


def _enrol(*, campaign: Campaign, users: list[User], strict: bool) -> None:
    from learners.models import Enrollment
    from learners.services import enrollment_get_or_create

    for course in campaign.courses.all():
        if not course.live:
            if strict:
                raise ValidationError(_("This course is not published: enrolment is not possible."))
            continue  # a course unpublished since the launch: newcomers wait for it
        enrolled = set(
            Enrollment.objects.filter(course=course, user__in=users).values_list(
                "user_id", flat=True
            )
        )
        for user in users:
            if user.pk not in enrolled:
                enrollment_get_or_create(
                    learner=user,
                    course=course,
                    source=Enrollment.Source.BULK,
                    enrolled_by=campaign.created_by,
                )


@transaction.atomic
def campaign_audience_sync(
    *,
    campaign: Campaign,
    today: datetime.date | None = None,
    user_ids=None,
    strict: bool = False,
) -> SyncResult:
    """Bring the assignments of a launched campaign in step with its audience (limited to
    ``user_ids`` when given): newcomers and returners are assigned from ``today`` with their own
    due date and enrolled; people no longer in the audience leave (their row stays)."""
    today = today or timezone.localdate()
    result = SyncResult()
    if campaign.status != CampaignStatus.ACTIVE:
        return result
    audience = campaign_audience(campaign=campaign)
    assignments = Assignment.objects.filter(campaign=campaign)
    if user_ids is not None:
        user_ids = list(user_ids)
        audience = audience.filter(pk__in=user_ids)
        assignments = assignments.filter(user_id__in=user_ids)
    wanted = set(audience.values_list("pk", flat=True))
    existing = {a.user_id: a for a in assignments.select_for_update()}
    due = campaign.due_for(today)

    new, back, leaving = [], [], []
    for user_id in wanted:
        current = existing.get(user_id)
        if current is None:
            new.append(
                Assignment(campaign=campaign, user_id=user_id, joined_on=today, due_date=due)
            )
        elif current.left_on is not None:
            current.left_on, current.joined_on, current.due_date = None, today, due
            back.append(current)
    for user_id, current in existing.items():
        if user_id not in wanted and current.left_on is None:
            current.left_on = today
            leaving.append(current)
    Assignment.objects.bulk_create(new, batch_size=1000)
    Assignment.objects.bulk_update(back, ["left_on", "joined_on", "due_date"], batch_size=1000)
    Assignment.objects.bulk_update(leaving, ["left_on"], batch_size=1000)
    result.joined, result.left = len(new) + len(back), len(leaving)

    # A fixed due date changed by the officer moves everyone's; relative ones follow the rule.
    if campaign.due_mode == DueMode.FIXED:
        result.due_moved = (
            Assignment.objects.filter(campaign=campaign, left_on__isnull=True)
            .exclude(due_date=campaign.due_date)
            .update(due_date=campaign.due_date)
        )
    joined_ids = [a.user_id for a in new] + [a.user_id for a in back]
    if joined_ids:
        _enrol(campaign=campaign, users=list(User.objects.filter(pk__in=joined_ids)), strict=strict)
    return result


def campaigns_sync(*, user_ids=None, today: datetime.date | None = None) -> SyncResult:
    """Every launched campaign brought in step (for ``user_ids`` only when given)."""
    total = SyncResult()
    for campaign in Campaign.objects.filter(status=CampaignStatus.ACTIVE).select_related(
        "unit", "audience_unit"
    ):
        result = campaign_audience_sync(campaign=campaign, user_ids=user_ids, today=today)
        total.joined += result.joined
        total.left += result.left
        total.due_moved += result.due_moved
    return total


def audience_size(*, visibility: Visibility, unit, audience_unit, job_titles, matricules) -> int:
    """Dry run of rules not yet saved (the form's "preview")."""
    if unit is not None and not visibility.includes(unit):
        raise PermissionDenied(_("This unit is outside your scope."))
    return audience_queryset(
        unit=unit, audience_unit=audience_unit, job_titles=job_titles, matricules=matricules
    ).count()


# --- reminders and digests ----------------------------------------------------------------


def _site_url() -> str:
    return (getattr(settings, "SITE_URL", "") or "http://localhost").rstrip("/")


def reminder_event(*, campaign: Campaign, due: datetime.date, today: datetime.date) -> str | None:
    """The reminder owed today, if any: before the due date, the nearest offset already reached
    (so a missed night still reminds, and only once per offset); after it, the largest offset
    reached. The due date is part of the event: a new due date means new reminders."""
    if today <= due:
        for days in sorted(campaign.reminder_days_before):
            if today >= due - datetime.timedelta(days=days):
                return f"before:{days}:{due.isoformat()}"
        return None
    for days in sorted(campaign.reminder_days_after, reverse=True):
        if today >= due + datetime.timedelta(days=days):
            return f"after:{days}:{due.isoformat()}"
    return None


def _notice_send(
    *, campaign: Campaign, recipient: User, event: str, template: str, context: dict
) -> bool:
    """Send one e-mail unless this event was already sent to this person for this campaign."""
    if not recipient.email or not recipient.is_active:
        return False
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with transaction.atomic():
        try:
            with transaction.atomic():
                CampaignNotice.objects.create(
                    campaign=campaign, recipient=recipient, event=event, language=language
                )
        except IntegrityError:
            return False
        with translation.override(language):
            context = {
                **context,
                "campaign_title": campaign.display_title,
                "recipient": recipient,
                "site_name": getattr(settings, "WAGTAIL_SITE_NAME", "Académie"),
            }
            subject = render_to_string(f"hr/email/{template}_subject.txt", context)
            body = render_to_string(f"hr/email/{template}.txt", context)
        # A failing send raises: the notice row is rolled back and tried again next run.
        send_mail(" ".join(subject.split()), body, None, [recipient.email])
    return True


def campaign_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind everyone assigned who has not completed, before and after the due date."""
    from ..exporters import course_titles

    today = today or timezone.localdate()
    sent = 0
    titles_by_language: dict[str, dict[int, str]] = {}
    for campaign in Campaign.objects.filter(status=CampaignStatus.ACTIVE):
        course_ids = campaign_course_ids(campaign)
        rows = list(
            Assignment.objects.filter(campaign=campaign, left_on__isnull=True).values_list(
                "user_id", "due_date"
            )
        )
        states = person_states(campaign=campaign, assignments=rows, course_ids=course_ids)
        owed = {}
        for user_id, due in rows:
            if states[user_id].done_on is not None:
                continue  # completed: reminders stop
            event = reminder_event(campaign=campaign, due=due, today=today)
            if event:
                owed[user_id] = (event, due)
        if not owed:
            continue
        already = set(
            CampaignNotice.objects.filter(
                campaign=campaign, recipient_id__in=list(owed)
            ).values_list("recipient_id", "event")
        )
        for user in User.objects.filter(pk__in=[u for u, (e, _d) in owed.items()
                                                 if (u, e) not in already]):  # fmt: skip
            event, due = owed[user.pk]
            language = user.preferred_language or settings.LANGUAGE_CODE
            if language not in titles_by_language:
                titles_by_language[language] = course_titles(language=language)
            titles = titles_by_language[language]
            state = states[user.pk]
            pending = [titles.get(c, "") for c in course_ids if state.courses[c].done_on is None]
            sent += _notice_send(
                campaign=campaign,
                recipient=user,
                event=event,
                template="campaign_reminder",
                context={
                    "due_date": due,
                    "overdue": today > due,
                    "days": abs((due - today).days),
                    "courses": pending,
                    "dashboard_url": _site_url() + reverse("learners:dashboard"),
                },
            )
    return sent


def _officers_for(campaign: Campaign) -> list[tuple[User, Visibility]]:
    """HR officers of the campaign's unit and of the units below it (national officers too for a
    national campaign), each with what they see."""
    scopes = HRScope.objects.select_related("user", "unit").filter(user__is_active=True)
    if campaign.unit is not None:
        scopes = scopes.filter(unit__path__startswith=campaign.unit.path)
    result = []
    for scope in scopes:
        if scope.unit_id is None:
            result.append((scope.user, Visibility(everything=True)))
        else:
            result.append((scope.user, Visibility(root=scope.unit)))
    return result


def campaign_digests_send(*, today: datetime.date | None = None) -> int:
    """Once a week, each HR officer concerned gets the list of overdue people of their scope."""
    today = today or timezone.localdate()
    year, week, _day = today.isocalendar()
    event = f"digest:{year}-W{week:02d}"
    sent = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.ACTIVE).select_related("unit"):
        rows = list(
            Assignment.objects.filter(campaign=campaign, left_on__isnull=True).values_list(
                "user_id", "due_date", "user__unit__path"
            )
        )
        states = person_states(
            campaign=campaign,
            assignments=[(u, d) for u, d, _p in rows],
            course_ids=campaign_course_ids(campaign),
        )
        overdue = [(u, d, p) for u, d, p in rows if states[u].status(today) == OVERDUE]
        if not overdue:
            continue
        for officer, visibility in _officers_for(campaign):
            mine = [
                (u, d)
                for u, d, path in overdue
                if visibility.everything or path.startswith(visibility.root.path)
            ]
            if not mine:
                continue
            if CampaignNotice.objects.filter(
                campaign=campaign, recipient=officer, event=event
            ).exists():
                continue
            due_of = dict(mine)
            people = [
                (person, due_of[person.pk])
                for person in User.objects.filter(pk__in=list(due_of))
                .select_related("unit")
                .order_by("unit__code", "last_name", "first_name")[:DIGEST_LIST_LIMIT]
            ]
            code = visibility.root.code if visibility.root else None
            url = reverse("hr:campaign_compliance", kwargs={"pk": campaign.pk})
            if code and (campaign.unit is None or code != campaign.unit.code):
                url += f"?unit={code}"
            sent += _notice_send(
                campaign=campaign,
                recipient=officer,
                event=event,
                template="campaign_digest",
                context={
                    "count": len(mine),
                    "people": people,
                    "more": max(0, len(mine) - DIGEST_LIST_LIMIT),
                    "compliance_url": _site_url() + url,
                },
            )
    return sent
