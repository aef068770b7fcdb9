"""Training campaigns: audience rules and their dynamics, due dates, launch, reminders, digest,
compliance figures."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from academy.accounts.selectors import visibility_for
from academy.accounts.services import user_move_unit
from hr.models import Assignment, Campaign, CampaignNotice, CampaignStatus
from hr.selectors.campaigns import (
    DONE,
    IN_PROGRESS,
    ON_TIME,
    OVERDUE,
    TO_DO,
    assigned_courses,
    campaign_compliance,
    compliance_unit,
)
from hr.services.campaigns import (
    campaign_digests_send,
    campaign_launch,
    campaign_preview,
    campaign_reminders_send,
    campaign_save,
    campaigns_sync,
    reminder_event,
)
from learners.models import Enrollment
from tests import factories as base
from tests.hr import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def course():
    return factories.course("Bureau d'ordre numérique")


@pytest.fixture
def officer(small_tree):
    return base.hr_officer(small_tree["p1"], username="officer-p1", email="officer@example.ma")


def _people(tree):
    return {
        "a": factories.learner(tree["c1"], username="a", job_title="Agent d'état civil"),
        "b": factories.learner(tree["c2"], username="b", job_title="Agent d'état civil"),
        "c": factories.learner(tree["c1"], username="c", job_title="Technicien"),
        "far": factories.learner(tree["c3"], username="far", job_title="Agent d'état civil"),
    }


def _assigned(campaign):
    return set(
        Assignment.objects.filter(campaign=campaign, left_on__isnull=True).values_list(
            "user__username", flat=True
        )
    )


# --- audience rules ---------------------------------------------------------------------


def test_unit_rule_takes_the_unit_and_everything_below_it_never_outside(
    small_tree, officer, course
):
    _people(small_tree)
    campaign = factories.campaign(officer=officer, unit=small_tree["p1"], courses=[course])
    assert _assigned(campaign) == {"a", "b", "c"}
    # Enrolled in the course, by HR.
    assert set(
        Enrollment.objects.filter(course=course).values_list("user__username", flat=True)
    ) == {"a", "b", "c"}
    assert Enrollment.objects.filter(course=course, source="bulk").count() == 3


def test_job_title_and_matricule_rules_all_apply(small_tree, officer, course):
    people = _people(small_tree)
    by_title = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], job_titles=["Agent d'état civil"]
    )
    assert _assigned(by_title) == {"a", "b"}
    by_list = factories.campaign(
        officer=officer,
        unit=small_tree["p1"],
        courses=[course],
        title="Liste",
        # Case does not matter; the matricule outside the unit is never reached.
        matricules=[people["a"].matricule.lower(), people["far"].matricule],
    )
    assert _assigned(by_list) == {"a"}
    narrow = factories.campaign(
        officer=officer,
        unit=small_tree["p1"],
        courses=[course],
        title="Commune",
        audience_unit=small_tree["c1"],
        job_titles=["Technicien"],
    )
    assert _assigned(narrow) == {"c"}


def test_audience_never_reaches_outside_the_creators_scope(small_tree, officer, course):
    _people(small_tree)
    with pytest.raises(PermissionDenied):
        factories.campaign(officer=officer, unit=small_tree["p2"], courses=[course])
    with pytest.raises(PermissionDenied):
        factories.campaign(officer=officer, unit=None, courses=[course])
    with pytest.raises(ValidationError):
        factories.campaign(
            officer=officer, unit=small_tree["c1"], audience_unit=small_tree["c2"], courses=[course]
        )
    assert not Campaign.objects.exists()


# --- dry run and launch -----------------------------------------------------------------


def test_preview_counts_without_writing_and_launch_creates_everything(small_tree, officer, course):
    people = _people(small_tree)
    factories.enrollment(user=people["a"], course=course)
    campaign = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], launch=False
    )
    preview = campaign_preview(campaign=campaign)
    assert (preview.audience, preview.enrolments_new, preview.already_enrolled) == (3, 2, 1)
    assert not Assignment.objects.exists()
    assert campaign_launch(campaign=campaign) == 3
    assert campaign.status == CampaignStatus.ACTIVE
    assert Enrollment.objects.filter(course=course).count() == 3


def test_launch_failing_half_way_leaves_nothing(small_tree, officer, course, monkeypatch):
    _people(small_tree)
    campaign = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], launch=False
    )
    from learners.services import enrollment as enrollment_module

    calls = {"n": 0}
    real = enrollment_module.enrollment_get_or_create

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr("learners.services.enrollment_get_or_create", flaky)
    with pytest.raises(RuntimeError):
        campaign_launch(campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert not Assignment.objects.exists()
    assert not Enrollment.objects.exists()


def test_launch_refuses_an_unpublished_course_and_an_empty_audience(small_tree, officer, course):
    _people(small_tree)
    campaign = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], launch=False
    )
    course.live = False
    course.save()
    with pytest.raises(ValidationError):
        campaign_launch(campaign=campaign)
    assert not Assignment.objects.exists()
    course.live = True
    course.save()
    empty = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], launch=False, job_titles=["Nul"]
    )
    with pytest.raises(ValidationError):
        campaign_launch(campaign=empty)
    empty.refresh_from_db()
    assert empty.status == CampaignStatus.DRAFT


# --- due dates --------------------------------------------------------------------------


def test_fixed_due_date_for_all_and_relative_one_from_each_joining(small_tree, officer, course):
    people = _people(small_tree)
    fixed_day = TODAY + timedelta(days=10)
    fixed = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], due_date=fixed_day
    )
    assert set(Assignment.objects.filter(campaign=fixed).values_list("due_date", flat=True)) == {
        fixed_day
    }
    relative = factories.campaign(
        officer=officer,
        unit=small_tree["p1"],
        courses=[course],
        title="Relative",
        due_mode="relative",
        due_date=None,
        due_days=30,
        today=TODAY - timedelta(days=5),
    )
    a = Assignment.objects.get(campaign=relative, user=people["a"])
    assert a.due_date == TODAY + timedelta(days=25)
    # A newcomer (moved in today) gets their own due date.
    user_move_unit(user=people["far"], unit=small_tree["c2"])
    campaigns_sync(user_ids=[people["far"].pk], today=TODAY)
    newcomer = Assignment.objects.get(campaign=relative, user=people["far"])
    assert (newcomer.joined_on, newcomer.due_date) == (TODAY, TODAY + timedelta(days=30))
    assert Assignment.objects.get(campaign=fixed, user=people["far"]).due_date == fixed_day


def test_moving_a_fixed_due_date_moves_everyones(small_tree, officer, course):
    _people(small_tree)
    campaign = factories.campaign(officer=officer, unit=small_tree["p1"], courses=[course])
    later = TODAY + timedelta(days=60)
    campaign_save(
        actor=officer,
        visibility=visibility_for(officer),
        campaign=campaign,
        title=campaign.title,
        unit=campaign.unit,
        courses=[course],
        due_date=later,
    )
    assert set(Assignment.objects.filter(campaign=campaign).values_list("due_date", flat=True)) == {
        later
    }


# --- dynamics: join, move, leave --------------------------------------------------------


def test_unit_move_joins_and_leaves_through_the_user_signal(
    small_tree, officer, course, django_capture_on_commit_callbacks
):
    people = _people(small_tree)
    campaign = factories.campaign(officer=officer, unit=small_tree["p1"], courses=[course])
    with django_capture_on_commit_callbacks(execute=True):
        user_move_unit(user=people["far"], unit=small_tree["c1"])  # joins
        user_move_unit(user=people["a"], unit=small_tree["c4"])  # leaves
    assert _assigned(campaign) == {"b", "c", "far"}
    left = Assignment.objects.get(campaign=campaign, user=people["a"])
    assert left.left_on == TODAY  # history kept, no longer counted
    assert Enrollment.objects.filter(user=people["far"], course=course).exists()
    assert campaign_compliance(campaign=campaign, unit=small_tree["p1"]).total.assigned == 3


def test_new_job_title_and_new_hire_from_an_import_join(
    small_tree, officer, course, django_capture_on_commit_callbacks
):
    people = _people(small_tree)
    campaign = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], job_titles=["Agent d'état civil"]
    )
    from hr.services import staff_import_apply

    header = "matricule,last_name,first_name,last_name_ar,first_name_ar,email,unit_code,job_title\n"
    rows = (
        f"{people['c'].matricule},Nom,Prénom,اسم,اسم,c@example.ma,{small_tree['c1'].code},"
        "Agent d'état civil\n"
        f"NEW-1,Recrue,Sara,مجندة,سارة,new@example.ma,{small_tree['c2'].code},Agent d'état civil\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        staff_import_apply(raw=(header + rows).encode(), visibility=visibility_for(officer))
    assert _assigned(campaign) == {"a", "b", "c", "new-1"}


def test_deactivated_people_leave_and_come_back_with_a_new_due_date(small_tree, officer, course):
    people = _people(small_tree)
    campaign = factories.campaign(
        officer=officer,
        unit=small_tree["p1"],
        courses=[course],
        due_mode="relative",
        due_date=None,
        due_days=10,
        today=TODAY - timedelta(days=20),
    )
    people["b"].is_active = False
    people["b"].save()
    campaigns_sync(today=TODAY)
    assert _assigned(campaign) == {"a", "c"}
    people["b"].is_active = True
    people["b"].save()
    campaigns_sync(today=TODAY)
    back = Assignment.objects.get(campaign=campaign, user=people["b"])
    assert (back.left_on, back.due_date) == (None, TODAY + timedelta(days=10))


def test_a_rolled_back_change_does_not_stop_later_syncs(
    small_tree, officer, course, django_capture_on_commit_callbacks
):
    from django.db import transaction

    people = _people(small_tree)
    campaign = factories.campaign(officer=officer, unit=small_tree["p1"], courses=[course])
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                user_move_unit(user=people["far"], unit=small_tree["c1"])
                raise RuntimeError
        except RuntimeError:
            pass
    people["far"].refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        user_move_unit(user=people["far"], unit=small_tree["c2"])
    assert "far" in _assigned(campaign)


# --- statuses and compliance ------------------------------------------------------------


@pytest.fixture
def statuses(small_tree, officer, course):
    """A campaign due 5 days ago with one person in each status (all in commune c1 or c2)."""
    t = small_tree
    names = ("ontime", "late", "progress", "notstarted", "overdue")
    people = {n: factories.learner(t["c1" if i % 2 else "c2"], username=n) for i, n in
              enumerate(names)}  # fmt: skip
    campaign = factories.campaign(
        officer=officer,
        unit=t["p1"],
        courses=[course],
        due_mode="relative",
        due_date=None,
        due_days=10,
        today=TODAY - timedelta(days=15),
    )
    # The future newcomer is in progress: joined today, due in 10 days.
    Assignment.objects.filter(user__username__in=["progress", "notstarted"]).update(
        due_date=TODAY + timedelta(days=5)
    )
    Enrollment.objects.filter(user=people["ontime"]).update(
        status="completed", completed_at=timezone.now() - timedelta(days=8), progress_percent=100
    )
    Enrollment.objects.filter(user=people["late"]).update(
        status="completed", completed_at=timezone.now() - timedelta(days=1), progress_percent=100
    )
    Enrollment.objects.filter(user__in=[people["progress"], people["overdue"]]).update(
        progress_percent=40
    )
    return {"campaign": campaign, "people": people}


def test_each_person_has_one_status_and_figures_add_up(
    small_tree, statuses, django_assert_max_num_queries
):
    campaign = statuses["campaign"]
    with django_assert_max_num_queries(5):
        report = campaign_compliance(campaign=campaign, unit=small_tree["p1"], with_people=False)
    total = report.total
    assert (total.assigned, total.on_time, total.late, total.in_progress) == (5, 1, 1, 1)
    assert (total.not_started, total.overdue) == (1, 1)
    by_unit = {row.unit.code: row.figures.assigned for row in report.children}
    assert by_unit == {small_tree["c1"].code: 2, small_tree["c2"].code: 3}


def test_compliance_queries_do_not_grow_with_the_audience(
    small_tree, officer, course, django_assert_max_num_queries
):
    for i in range(40):
        factories.learner(small_tree["c1" if i % 2 else "c2"], username=f"p{i}")
    campaign = factories.campaign(officer=officer, unit=small_tree["p1"], courses=[course])
    with django_assert_max_num_queries(5):
        report = campaign_compliance(campaign=campaign, unit=small_tree["p1"], with_people=False)
    assert report.total.assigned == 40
    with django_assert_max_num_queries(6):
        leaf = campaign_compliance(campaign=campaign, unit=small_tree["c1"])
    assert len(leaf.people) == 20


def test_learner_sees_status_of_each_assigned_course(small_tree, statuses):
    people = statuses["people"]
    assert [a.status for a in assigned_courses(user=people["ontime"])] == [DONE]
    assert [a.status for a in assigned_courses(user=people["overdue"])] == [OVERDUE]
    assert [a.status for a in assigned_courses(user=people["progress"])] == [IN_PROGRESS]
    assert [a.status for a in assigned_courses(user=people["notstarted"])] == [TO_DO]


def test_valid_certificate_required_counts_only_certificates_not_revoked_nor_expired(
    small_tree, officer, course
):
    a = factories.learner(small_tree["c1"], username="cert-a")
    b = factories.learner(small_tree["c1"], username="cert-b")
    ea = factories.enrollment(user=a, course=course, completed=True)
    eb = factories.enrollment(user=b, course=course, completed=True)
    factories.certificate(enrollment=ea)
    factories.certificate(enrollment=eb, status="revoked")
    c = factories.learner(small_tree["c1"], username="cert-c")
    ec = factories.enrollment(user=c, course=course, completed=True)
    factories.certificate(enrollment=ec, valid_until=TODAY - timedelta(days=1))  # expired
    campaign = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], requires_valid_certificate=True
    )
    report = campaign_compliance(campaign=campaign, unit=small_tree["c1"])
    status = {p.user.username: p.status for p in report.people}
    assert status["cert-a"] == ON_TIME
    # Revoked and expired certificates do not count (completed, so "in progress").
    assert status["cert-b"] == status["cert-c"] == IN_PROGRESS


def test_compliance_unit_stays_inside_campaign_and_scope(small_tree, officer, course):
    campaign = factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], launch=False
    )
    visibility = visibility_for(officer)
    assert compliance_unit(campaign=campaign, visibility=visibility, code=None) == small_tree["p1"]
    for code in (small_tree["r1"].code, small_tree["c3"].code, "national", "nope"):
        with pytest.raises(PermissionDenied):
            compliance_unit(campaign=campaign, visibility=visibility, code=code)
    commune_officer = base.hr_officer(small_tree["c1"], username="officer-c1")
    with pytest.raises(PermissionDenied):
        compliance_unit(
            campaign=campaign,
            visibility=visibility_for(commune_officer),
            code=small_tree["c2"].code,
        )


# --- reminders and digest ---------------------------------------------------------------


def test_reminder_events_before_and_after_the_due_date():
    campaign = Campaign(reminder_days_before=[14, 3], reminder_days_after=[1, 7])
    due = datetime.date(2026, 6, 30)

    def event(days_before):
        return reminder_event(campaign=campaign, due=due, today=due - timedelta(days=days_before))

    assert event(20) is None
    assert event(14) == event(10) == "before:14:2026-06-30"
    assert event(3) == event(0) == "before:3:2026-06-30"
    assert event(-1) == "after:1:2026-06-30"
    assert event(-8) == "after:7:2026-06-30"


def test_reminders_sent_once_per_event_in_the_learners_language_and_stop_on_completion(
    small_tree, officer, course, mailoutbox
):
    a = factories.learner(small_tree["c1"], username="rem-a", preferred_language="ar")
    b = factories.learner(small_tree["c1"], username="rem-b")
    factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], due_date=TODAY + timedelta(days=2)
    )
    mailoutbox.clear()
    assert campaign_reminders_send(today=TODAY) == 2
    assert campaign_reminders_send(today=TODAY) == 0  # never twice for the same event
    assert campaign_reminders_send(today=TODAY + timedelta(days=1)) == 0
    arabic = next(m for m in mailoutbox if m.to == [a.email])
    assert "التكوين" in arabic.subject or "التكوين" in arabic.body
    french = next(m for m in mailoutbox if m.to == [b.email])
    assert "Formation" in french.subject or "formation" in french.body
    # b completes: no reminder after the due date for b, one for a.
    Enrollment.objects.filter(user=b).update(
        status="completed", completed_at=timezone.now(), progress_percent=100
    )
    mailoutbox.clear()
    assert campaign_reminders_send(today=TODAY + timedelta(days=3)) == 1
    assert [m.to for m in mailoutbox] == [[a.email]]
    assert CampaignNotice.objects.filter(recipient=b).count() == 1
    # A failed send leaves no notice: it is tried again.


def test_a_failed_send_is_tried_again(small_tree, officer, course, monkeypatch, mailoutbox):
    factories.learner(small_tree["c1"], username="fail-a")
    factories.campaign(
        officer=officer, unit=small_tree["p1"], courses=[course], due_date=TODAY + timedelta(days=1)
    )

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("hr.services.campaigns.send_mail", broken)
    with pytest.raises(OSError):
        campaign_reminders_send(today=TODAY)
    assert not CampaignNotice.objects.exists()
    monkeypatch.undo()
    assert campaign_reminders_send(today=TODAY) == 1


def test_overdue_digest_goes_once_a_week_to_the_officers_of_the_unit(
    small_tree, statuses, mailoutbox
):
    commune_officer = base.hr_officer(
        small_tree["c1"], username="officer-c1", email="c1@example.ma", preferred_language="ar"
    )
    outsider = base.hr_officer(small_tree["p2"], username="officer-p2", email="p2@example.ma")
    mailoutbox.clear()
    sent = campaign_digests_send(today=TODAY)
    recipients = {m.to[0] for m in mailoutbox}
    overdue = statuses["people"]["overdue"]  # in c2 (index 4: even)
    assert overdue.unit == small_tree["c2"]
    # The province officer sees the overdue person; the c1 officer has nobody overdue in c1;
    # the officer of another province gets nothing.
    assert recipients == {"officer@example.ma"}
    assert sent == 1
    assert overdue.last_name in mailoutbox[0].body
    assert campaign_digests_send(today=TODAY) == 0
    assert commune_officer.email not in recipients and outsider.email not in recipients


def test_a_course_asked_by_two_campaigns_shows_once_with_its_most_pressing_due_date(
    small_tree, officer, course
):
    from hr.selectors.campaigns import assigned_training_for

    person = factories.learner(small_tree["c1"], username="twice")
    factories.campaign(officer=officer, unit=small_tree["p1"], courses=[course], title="Later")
    factories.campaign(
        officer=officer,
        unit=small_tree["p1"],
        courses=[course],
        title="Past",
        due_date=TODAY - timedelta(days=1),
    )
    items = assigned_training_for(user=person)
    assert len(items) == 1
    assert (items[0].status, items[0].due_date) == (OVERDUE, TODAY - timedelta(days=1))
    assert [c.title for c in items[0].campaigns] == ["Past", "Later"]
