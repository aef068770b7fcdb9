"""Diagnostics for the tests, taken through the real services."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from courses.models import Competence
from diagnostic.bank import bank
from diagnostic.models import Diagnostic, UnitIndicators
from diagnostic.services import diagnostic_answers_save, diagnostic_start, diagnostic_submit
from tests.hr import factories as hr_factories


def answers_for(diagnostic: Diagnostic, right: set[str] | None = None, all_right=False) -> dict:
    """Positions answering right the questions of the competences in ``right`` (every one when
    ``all_right``), wrong the others (the first wrong option)."""
    questions = bank()
    answers = {}
    for item in diagnostic.questions:
        q = questions[item["id"]]
        good = all_right or (right is not None and q.competence in right)
        positions = [p for p, i in enumerate(item["order"]) if (i in q.answer) == good]
        answers[q.id] = positions if (good and q.type == "multiple") else positions[:1]
    return answers


def submitted(user, *, right=None, all_right=False, rating=None, days_ago=None, seed=1):
    diagnostic = diagnostic_start(user=user, rng=random.Random(seed))
    ratings = {}
    if rating is not None:
        ratings = {c: rating for c in Competence.objects.values_list("code", flat=True)}
    diagnostic_answers_save(
        diagnostic=diagnostic,
        user=user,
        answers=answers_for(diagnostic, right=right, all_right=all_right),
        self_ratings=ratings,
        page=0,
    )
    diagnostic = diagnostic_submit(diagnostic=diagnostic, user=user)
    if days_ago is not None:
        when = timezone.now() - datetime.timedelta(days=days_ago)
        Diagnostic.objects.filter(pk=diagnostic.pk).update(submitted_at=when)
        diagnostic.refresh_from_db()
    return diagnostic


def course_with_competences(title, codes):
    course = hr_factories.course(title)
    course.competences.set(list(Competence.objects.filter(code__in=codes)))
    course.save()
    return course


def indicators(unit, *, on=None, **overrides):
    values = {
        "digital_registry": True,
        "e_signature": False,
        "complaints_portal": True,
        "online_appointments": False,
        "professional_email_percent": 40,
        "connection_quality": "adequate",
    }
    values.update(overrides)
    return UnitIndicators.objects.create(
        unit=unit, recorded_on=on or timezone.localdate(), **values
    )
