"""Demo training campaigns in the province of Berkane: one whose due date has passed, one
still running, with people in every status. Runs after the learners' and certificates' demo
steps; everything goes through the real services. Idempotent: due dates follow today."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from academy.accounts.models import User
from academy.accounts.selectors import Visibility
from academy.territories.models import Territory

from .models import Campaign, CampaignStatus
from .services.campaigns import campaign_launch, campaign_save, campaigns_sync

PROVINCE = "02.113"
# (matricule, unit code, first name, last name, first name (ar), last name (ar))
DEMO_AGENTS = (
    ("DEMO-EC-01", "02.113.01.09", "Hamza", "Ouali", "حمزة", "والي"),
    ("DEMO-EC-02", "02.113.01.09", "Khadija", "Mansouri", "خديجة", "المنصوري"),
    ("DEMO-EC-03", "02.113.01.07", "Said", "Kaddouri", "سعيد", "القدوري"),
    ("DEMO-EC-04", "02.113.01.07", "Latifa", "Berrada", "لطيفة", "برادة"),
)
JOB_TITLE = "Agent d'état civil"

PAST = (
    "Compétences numériques de l'état civil",
    "الكفايات الرقمية لمصلحة الحالة المدنية",
    ["competences-numeriques"],
)
FUTURE = ("Cybersécurité au bureau d'ordre", "الأمن السيبراني في مكتب الضبط", ["cybersecurite"])
# An agent who completes the past campaign's course (through the real services): done late.
# (Of the demo courses, only this one can be completed by the demo's scripted learner.)
COMPLETIONS = (("DEMO-EC-02", "competences-numeriques"),)


def _agents() -> list[User]:
    units = {t.code: t for t in Territory.objects.filter(code__in={a[1] for a in DEMO_AGENTS})}
    agents = []
    for matricule, code, first, last, first_ar, last_ar in DEMO_AGENTS:
        user, created = User.objects.get_or_create(
            matricule=matricule, defaults={"username": matricule.lower()}
        )
        user.first_name, user.last_name = first, last
        user.first_name_ar, user.last_name_ar = first_ar, last_ar
        user.email = f"{matricule.lower()}@demo.academie.ma"
        user.unit = units[code]
        user.unit_since = user.unit_since or datetime.date(2024, 1, 1)
        user.job_title = JOB_TITLE
        if created:
            user.set_unusable_password()
        user.save()
        agents.append(user)
    return agents


def _campaign(*, officer, spec, due: datetime.date, courses) -> Campaign:
    title, title_ar, _slugs = spec
    province = Territory.objects.get(code=PROVINCE)
    campaign = Campaign.objects.filter(title=title, unit=province).first()
    campaign = campaign_save(
        actor=officer,
        visibility=Visibility(root=province),
        campaign=campaign,
        title=title,
        title_ar=title_ar,
        unit=province,
        courses=courses,
        due_date=due,
        reminder_days_before=[14, 3],
        reminder_days_after=[1, 7],
    )
    if campaign.status == CampaignStatus.DRAFT:
        campaign_launch(campaign=campaign)
    return campaign


def demo_campaigns_install(users=None) -> list[str]:
    """Training campaigns in the province of Berkane (one past its due date, one running)."""
    from courses import selectors as courses_selectors
    from courses.models import CoursePage
    from learners.services import lesson_visit_record

    officer = User.objects.filter(username="hr.berkane").first()
    if officer is None or not Territory.objects.filter(code=PROVINCE).exists():
        return ["skipped: hr.berkane or the province of Berkane is missing"]
    agents = _agents()
    courses = {
        c.slug: c
        for c in CoursePage.objects.live().filter(locale__language_code=settings.LANGUAGE_CODE)
    }
    lines = []
    today = timezone.localdate()
    for spec, due in (
        (PAST, today - datetime.timedelta(days=20)),
        (FUTURE, today + datetime.timedelta(days=30)),
    ):
        wanted = [courses[s] for s in spec[2] if s in courses]
        if not wanted:
            lines.append(f"skipped {spec[0]}: course missing")
            continue
        campaign = _campaign(officer=officer, spec=spec, due=due, courses=wanted)
        lines.append(f"{campaign.title}: due {due.isoformat()}")
    campaigns_sync()
    by_matricule = {a.matricule: a for a in agents}
    for matricule, slug in COMPLETIONS:
        course = courses.get(slug)
        if course is not None:
            _complete(user=by_matricule[matricule], course=course)
    # One agent has started the running campaign's course (status "in progress").
    future = courses.get(FUTURE[2][0])
    if future is not None:
        lessons = courses_selectors.course_lessons(course=future)
        if lessons:
            lesson_visit_record(user=agents[0], lesson=lessons[0])
    return lines


def _complete(*, user, course) -> None:
    """Take every lesson and the final assessment, as the learners' demo does."""
    from courses import selectors as courses_selectors
    from learners.demo import _pass_quiz, _take_lesson
    from learners.models import Enrollment

    enrollment = Enrollment.objects.filter(user=user, course=course).first()
    if enrollment is None or enrollment.status == Enrollment.Status.COMPLETED:
        return
    started = timezone.now() - datetime.timedelta(days=1)
    for index, lesson in enumerate(courses_selectors.course_lessons(course=course)):
        _take_lesson(user=user, lesson=lesson, started=started + datetime.timedelta(hours=index))
    if courses_selectors.course_has_final_assessment(course):
        _pass_quiz(user=user, page=course)


def demo_step(*, users, stdout):
    """Training campaigns in the province of Berkane (one past its due date, one running)."""
    for line in demo_campaigns_install(users):
        stdout.write(f"  {line}")
