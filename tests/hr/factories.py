"""Learning data for the HR tests: a minimal canonical course, enrolments and certificates."""

from __future__ import annotations

import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Locale, Page

from certificates.models import Certificate
from courses.models import CataloguePage, CoursePage
from learners.models import Enrollment
from tests import factories as base

_n = itertools.count(1)


def course(title: str | None = None) -> CoursePage:
    locale = Locale.objects.get_or_create(language_code="fr")[0]
    parent = CataloguePage.objects.filter(locale=locale).first()
    if parent is None:
        parent = Page.get_first_root_node().add_child(
            instance=CataloguePage(title="Catalogue", slug=f"hr-cat-{next(_n)}", locale=locale)
        )
    n = next(_n)
    return parent.add_child(
        instance=CoursePage(
            title=title or f"Cours {n}",
            slug=f"hr-cours-{n}",
            summary="Résumé",
            theme="digital-basics",
        )
    )


def enrollment(
    *,
    user,
    course,
    completed=False,
    unit_at_completion=None,
    final_score=None,
    days_ago=10,
    completed_days_ago=2,
    active_days_ago=None,
) -> Enrollment:
    now = timezone.now()
    return Enrollment.objects.create(
        user=user,
        course=course,
        status="completed" if completed else "active",
        enrolled_at=now - timedelta(days=days_ago),
        completed_at=(now - timedelta(days=completed_days_ago)) if completed else None,
        unit_at_enrollment=user.unit,
        unit_at_completion=(unit_at_completion or user.unit) if completed else None,
        final_score=Decimal(final_score) if final_score is not None else None,
        progress_percent=100 if completed else 40,
        last_activity_at=now
        - timedelta(days=active_days_ago if active_days_ago is not None else days_ago),
    )


def certificate(*, enrollment: Enrollment, status="valid", valid_until=None) -> Certificate:
    n = next(_n)
    return Certificate.objects.create(
        serial=f"AC-2026-{n:06d}",
        enrollment=enrollment,
        course_id=enrollment.course_id,
        valid_until=valid_until,
        status=status,
        issued_at=enrollment.completed_at or timezone.now(),
        snapshot={},
        pdf="",
        sha256=uuid.uuid4().hex + uuid.uuid4().hex,
        revoked_at=timezone.now() if status == "revoked" else None,
    )


def learner(unit, **kw):
    return base.UserFactory(unit=unit, **kw)


def campaign(*, officer, unit, courses, launch=True, today=None, **kw):
    """A campaign saved (and launched) through the services, as an officer would."""
    from academy.accounts.selectors import visibility_for
    from hr.services.campaigns import campaign_launch, campaign_save

    values = {"title": "Campagne", "due_date": timezone.localdate() + timedelta(days=30)}
    values.update(kw)
    made = campaign_save(
        actor=officer, visibility=visibility_for(officer), unit=unit, courses=courses, **values
    )
    if launch:
        campaign_launch(campaign=made, today=today)
    return made
